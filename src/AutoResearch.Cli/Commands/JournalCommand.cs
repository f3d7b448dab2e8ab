using AutoResearch.Host.Operations;
using System.CommandLine;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Cli.Display;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch journal &lt;campaign&gt; [--follow] [--kind KIND ...] [--author NAME] [--after-id N] [--json]</c>:
/// prints a campaign's shared journal from the ledger, oldest first, and with <c>--follow</c> keeps printing new entries
/// until Ctrl+C or the end of the campaign. Reads only; works while the campaign runs in another process.
/// </summary>
public static class JournalCommand
{
    /// <summary>How often <c>--follow</c> asks the ledger for new entries.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long <c>--follow</c> goes on after the campaign's end time: the campaign records its final state first and then
    /// writes its last entries (verdicts, the closing summary).
    /// </summary>
    public static readonly TimeSpan EndSettle = TimeSpan.FromSeconds(5);

    public static Command Create(Option<string?> data)
    {
        var id = new Argument<string>("campaign") { Description = "Campaign id (see 'autoresearch status')." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new entries until Ctrl+C or the end of the campaign." };
        var kinds = new Option<string[]>("--kind")
        {
            Description = $"Only entries of these kinds (repeat the option or separate with commas): {JournalKinds.ValidNames}.",
        };
        var author = new Option<string?>("--author") { Description = "Only entries by this author (an agent id, a person or system)." };
        var afterId = new Option<long>("--after-id") { Description = "Only entries with an id greater than this." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (JSON Lines) instead of text." };
        var command = new Command("journal", "Print a campaign's shared journal (reads the ledger; works while the campaign runs).")
        {
            id, follow, kinds, author, afterId, json,
        };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(
            parse.GetRequiredValue(id), parse.GetValue(follow), parse.GetValue(kinds) ?? [], parse.GetValue(author),
            parse.GetValue(afterId), parse.GetValue(json), parse.GetValue(data), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(
        string id, bool follow, IReadOnlyList<string> kindNames, string? author, long afterId, bool json, string? dataDirectory, CancellationToken cancellationToken)
    {
        var filter = JournalFilter.Parse(kindNames, author, out var problems);
        if (problems.Count > 0)
            return await LedgerSession.FailAsync($"journal: {problems[0]}.");
        if (afterId < 0)
            return await LedgerSession.FailAsync($"journal: --after-id must be 0 or more, not {afterId.ToString(CultureInfo.InvariantCulture)}.");
        if (author is not null && string.IsNullOrWhiteSpace(author))
            return await LedgerSession.FailAsync("journal: --author must not be empty.");

        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var ledger = session.Ledger;
        var journal = session.Journal;
        if (await session.FindCampaignAsync(id, cancellationToken) is null)
            return 2;

        var printer = new JournalPrinter(ledger, json, filter);
        var last = afterId;
        try
        {
            while (true)
            {
                // The state is read before the entries: everything appended until EndSettle past the end is printed before leaving.
                var ended = !follow || HasSettled(await ledger.GetCampaignAsync(id, cancellationToken), DateTimeOffset.UtcNow);
                var entries = await journal.ReadAsync(id, last, cancellationToken);
                foreach (var entry in entries)
                    await printer.WriteAsync(entry, cancellationToken);
                if (entries.Count > 0) last = entries[^1].Id;
                if (ended) return 0;
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0; // Ctrl+C ends following; what was printed is complete.
        }
    }

    /// <summary>Whether the campaign is gone, or ended (completed, stopped, failed) at least <see cref="EndSettle"/> ago.</summary>
    private static bool HasSettled(CampaignRecord? campaign, DateTimeOffset now) =>
        campaign is null
        || (campaign.State is CampaignState.Completed or CampaignState.Stopped or CampaignState.Failed
            && (campaign.EndedAt is not { } end || now >= end + EndSettle));

}
