using System.CommandLine;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch note &lt;campaign&gt; &lt;text&gt; [--author NAME] [--experiment ID]</c>: a person appends a note to a
/// campaign's shared journal (works while the campaign runs; agents read it with the rest of the journal). Append only.
/// </summary>
public static class NoteCommand
{
    /// <summary>The longest note, in characters (after trimming).</summary>
    public const int MaxLength = 8000;

    /// <summary>The longest author name, in characters.</summary>
    public const int MaxAuthorLength = 100;

    /// <summary>The author the campaign itself writes as.</summary>
    public const string SystemAuthor = "system";

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
        if (text.Length == 0)
            return await LedgerSession.FailAsync("note: the text is empty; write something (or '-' to read it from stdin).");
        if (text.Length > MaxLength)
            return await LedgerSession.FailAsync(
                $"note: the text is {text.Length.ToString(CultureInfo.InvariantCulture)} characters long; the limit is {MaxLength.ToString(CultureInfo.InvariantCulture)}.");

        var explicitAuthor = author is not null;
        author = (author ?? DefaultAuthor()).Trim();
        if (author.Length == 0)
            return await LedgerSession.FailAsync("note: --author is empty; give a name.");
        if (author.Length > MaxAuthorLength || author.Any(char.IsControl))
            return await LedgerSession.FailAsync($"note: the author must be at most {MaxAuthorLength.ToString(CultureInfo.InvariantCulture)} printable characters.");
        if (string.Equals(author, SystemAuthor, StringComparison.OrdinalIgnoreCase))
            return await LedgerSession.FailAsync($"note: the author '{SystemAuthor}' is reserved for the campaign itself; notes are written by people. Choose another --author.");

        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var ledger = session.Ledger;
        var campaign = await session.FindCampaignAsync(id, cancellationToken);
        if (campaign is null)
            return 2;
        if (campaign.Spec.Agents.FirstOrDefault(a => string.Equals(a.Id, author, StringComparison.OrdinalIgnoreCase)) is { } agent)
            return await LedgerSession.FailAsync(
                $"note: the author '{author}' is an agent of campaign '{id}' ({agent.Id}); people must not write as agents. " +
                (explicitAuthor ? "Choose another --author." : "$USER names that agent; choose another --author."));

        string? experimentId = null;
        if (experimentRef is not null)
        {
            var experiment = await FindExperimentAsync(ledger, id, experimentRef.Trim(), cancellationToken);
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

    /// <summary>The experiment with this id in this campaign, or with this number (<c>12</c>, <c>#12</c>); null when there is none.</summary>
    private static async Task<ExperimentRecord?> FindExperimentAsync(ILedger ledger, string campaignId, string reference, CancellationToken cancellationToken)
    {
        if (reference.Length == 0) return null;
        var byId = await ledger.GetExperimentAsync(reference, cancellationToken);
        if (byId is not null) return byId.CampaignId == campaignId ? byId : null;
        if (!int.TryParse(reference.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) return null;
        return (await ledger.GetExperimentsAsync(campaignId, cancellationToken)).FirstOrDefault(e => e.Sequence == sequence);
    }

    private static string DefaultAuthor() => Environment.GetEnvironmentVariable("USER") is { } user && !string.IsNullOrWhiteSpace(user) ? user : "person";

}
