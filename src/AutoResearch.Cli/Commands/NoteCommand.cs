using System.CommandLine;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Host.Operations;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch note &lt;campaign&gt; &lt;text&gt; [--author NAME] [--experiment ID]</c>: a person appends a note to a
/// campaign's shared journal (works while the campaign runs; agents read it with the rest of the journal). Append only.
/// The rules are <see cref="CampaignOperations.NoteAsync"/>'s, the console's too.
/// </summary>
public static class NoteCommand
{
    public static Command Create(Option<string?> data)
    {
        var id = new Argument<string>("campaign") { Description = "Campaign id (see 'autoresearch status')." };
        var text = new Argument<string>("text") { Description = "The note; '-' reads it from stdin." };
        var author = new Option<string?>("--author") { Description = "Who writes it. Default: $USER, else 'person'. Not an agent id, not 'system'." };
        var experiment = new Option<string?>("--experiment") { Description = "The experiment it is about: its id, or its number in the campaign (12 or #12)." };
        var command = new Command("note", "Add a note to a campaign's shared journal (agents read it too); prints the new entry's id.")
        {
            id, text, author, experiment,
        };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(
            parse.GetRequiredValue(id), parse.GetRequiredValue(text), parse.GetValue(author), parse.GetValue(experiment),
            parse.GetValue(data), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(
        string id, string text, string? author, string? experimentRef, string? dataDirectory, CancellationToken cancellationToken)
    {
        if (text == "-")
        {
            if (!Console.IsInputRedirected)
                await Console.Error.WriteLineAsync("Reading the note from stdin; end it with Ctrl+D.");
            text = await Console.In.ReadToEndAsync(cancellationToken);
        }
        text = text.Trim();
        if (NoteRules.WhyNotText(text) is { } badText)
            return await LedgerSession.FailAsync($"note: {badText}" + (text.Length == 0 ? "; write something (or '-' to read it from stdin)." : "."));

        var explicitAuthor = author is not null;
        author = (author ?? DefaultAuthor()).Trim();
        if (author.Length == 0)
            return await LedgerSession.FailAsync("note: --author is empty; give a name.");

        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var result = await new CampaignOperations(session.Ledger, session.Journal, TimeProvider.System)
            .NoteAsync(id, text, author, experimentRef, cancellationToken);
        if (result.Failure == OperationFailure.NotFound)
        {
            await session.FindCampaignAsync(id, cancellationToken); // says it is missing and how to list campaigns
            return 2;
        }
        if (!result.Ok)
        {
            var problem = result.Problems![0];
            return await LedgerSession.FailAsync(problem.Field switch
            {
                OperationField.Author => $"note: {problem.Message}. " +
                    (explicitAuthor || !(await session.Ledger.GetCampaignAsync(id, cancellationToken))!.Spec.Agents.Any(a => string.Equals(a.Id, author, StringComparison.OrdinalIgnoreCase))
                        ? "Choose another --author."
                        : "$USER names that agent; choose another --author."),
                _ => $"note: {problem.Message}.",
            });
        }
        await Console.Out.WriteLineAsync(result.Value!.Id.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static string DefaultAuthor() => Environment.GetEnvironmentVariable("USER") is { } user && !string.IsNullOrWhiteSpace(user) ? user : "person";

}
