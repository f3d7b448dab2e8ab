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
        var ledger = session.Ledger;
        var campaign = await session.FindCampaignAsync(id, cancellationToken);
        if (campaign is null)
            return 2;
        if (NoteRules.WhyNotAuthor(author, campaign.Spec, id) is { } badAuthor)
            return await LedgerSession.FailAsync($"note: {badAuthor}. " +
                (explicitAuthor || !campaign.Spec.Agents.Any(a => string.Equals(a.Id, author, StringComparison.OrdinalIgnoreCase))
                    ? "Choose another --author."
                    : "$USER names that agent; choose another --author."));

        string? experimentId = null;
        if (experimentRef is not null)
        {
            var experiment = await ExperimentLookup.FindAsync(ledger, id, experimentRef, cancellationToken);
            if (experiment is null)
                return await LedgerSession.FailAsync($"note: campaign '{id}' has no experiment '{experimentRef}' (give its id or its number, e.g. 12).");
            experimentId = experiment.Id;
        }

        var entry = await session.Journal.AppendAsync(new JournalEntry
        {
            CampaignId = id,
            Author = author,
            Kind = JournalEntryKind.Note,
            Text = text,
            ExperimentId = experimentId,
            At = DateTimeOffset.UtcNow,
        }, cancellationToken);
        await Console.Out.WriteLineAsync(entry.Id.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static string DefaultAuthor() => Environment.GetEnvironmentVariable("USER") is { } user && !string.IsNullOrWhiteSpace(user) ? user : "person";

}
