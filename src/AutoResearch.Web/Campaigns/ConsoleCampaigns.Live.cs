using System.Collections.Concurrent;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Evaluation;
using AutoResearch.Grains;
using AutoResearch.Host.Hosting;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// A running campaign's detail basis, kept while its key holds: the ledger's <see cref="ExperimentSignature"/> (one
/// aggregate query: any experiment added or changing status, verdict or objective changes it), the leaderboard, model calls
/// and controls (read whole: small), the campaign record's state, times and limits, and, for a campaign run here, its
/// grains' state and slots. An unchanged campaign costs those small reads, not every experiment's digest; the viewers of
/// one campaign (its page loads, its API calls and its live view's watcher) share one computation when it changed
/// (single flight: the first caller computes, the others wait for the same result).
/// </summary>
public sealed partial class ConsoleCampaigns
{
    /// <summary>Most running campaigns whose basis is kept.</summary>
    private const int LiveCacheSize = 16;

    private readonly ConcurrentDictionary<string, LiveEntry> _live = new(StringComparer.Ordinal);
    private long _liveComputations;

    /// <summary>Times a running campaign's basis was computed from all of its experiments (for tests and the bench: not once per viewer).</summary>
    public long LiveComputations => Interlocked.Read(ref _liveComputations);

    private sealed record LiveEntry(string Key, Task<DetailBasis> Basis);

    private async Task<DetailBasis> LiveBasisAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var id = campaign.Id;
        var signature = await ledger.GetExperimentSignatureAsync(id, cancellationToken);
        var leaderboard = await ledger.GetLeaderboardAsync(id, cancellationToken);
        var calls = await ledger.GetModelCallsAsync(id, cancellationToken);
        var controls = await ledger.GetControlsAsync(id, cancellationToken);
        var live = IsHostedHere(id) ? await grains.GetGrain<ICampaignGrain>(id).GetStatus() : null;
        var slots = campaign.Spec.Slots > 0 ? Math.Min(campaign.Spec.Slots, fleets.Slots) : fleets.Slots;
        var key = LiveKey(campaign, signature, leaderboard, calls, controls, live, slots);

        LiveEntry entry;
        lock (_live)
        {
            if (!_live.TryGetValue(id, out entry!) || entry.Key != key)
            {
                entry = new LiveEntry(key, Task.Run(() => ComputeLiveAsync(campaign, key, leaderboard, calls, controls, live, slots), CancellationToken.None));
                _live[id] = entry;
                foreach (var other in _live.Keys.Where(k => k != id).Skip(LiveCacheSize - 1).ToList()) _live.TryRemove(other, out _);
            }
        }
        DetailBasis basis;
        try
        {
            basis = await entry.Basis.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed computation is not kept: the next caller tries again.
            lock (_live)
            {
                if (_live.TryGetValue(id, out var current) && ReferenceEquals(current, entry)) _live.TryRemove(id, out _);
            }
            throw;
        }
        // Run here: the grains' own status (activity, in flight) is read on every call; only the ledger's part is kept.
        return live is null ? basis : basis with { Status = live.WithFacts(basis.Facts, live: true) };
    }

    private async Task<DetailBasis> ComputeLiveAsync(CampaignRecord campaign, string key, IReadOnlyList<LeaderboardEntry> leaderboard,
        IReadOnlyList<ModelCallRecord> calls, IReadOnlyList<ControlRequest> controls, CampaignStatus? live, int slots)
    {
        Interlocked.Increment(ref _liveComputations);
        // Shared by every waiting caller: no one caller's cancellation stops it.
        var experiments = await ledger.GetExperimentDigestsAsync(campaign.Id, CancellationToken.None);
        if (live is not null)
        {
            var liveFacts = CampaignFacts.Build(campaign.Id, campaign.Spec, live.State, experiments, leaderboard, calls, controls, live.Slots);
            return Compose(campaign, key, live.WithFacts(liveFacts, live: true), experiments, leaderboard, liveFacts, calls);
        }
        var facts = CampaignFacts.Build(campaign.Id, campaign.Spec, campaign.State, experiments, leaderboard, calls, controls, slots);
        return Compose(campaign, key, LedgerCampaignStatus.From(campaign, experiments, slots, facts), experiments, leaderboard, facts, calls);
    }

    /// <summary>How many journal entries a campaign has and its latest ones, by campaign id (the journal is append-only, read in id order).</summary>
    private readonly ConcurrentDictionary<string, JournalTail> _journalTails = new(StringComparer.Ordinal);

    private sealed record JournalTail(long LastId, int Count, IReadOnlyList<AutoResearch.Abstractions.Journal.JournalEntry> Latest);

    /// <summary>
    /// The number of the campaign's journal entries and its latest <paramref name="latest"/>: only the entries after the last
    /// one seen are read (the journal is append-only and read in id order, so the count and the tail are those of a full read).
    /// </summary>
    private async Task<(int Count, IReadOnlyList<AutoResearch.Abstractions.Journal.JournalEntry> Latest)> JournalTailAsync(string id, int latest, CancellationToken cancellationToken)
    {
        var kept = _journalTails.TryGetValue(id, out var t) && t.Latest.Count >= Math.Min(latest, t.Count) ? t : new JournalTail(0, 0, []);
        var added = await journal.ReadAsync(id, kept.LastId, cancellationToken);
        if (added.Count == 0) return (kept.Count, kept.Latest.TakeLast(latest).ToList());
        var tail = new JournalTail(added[^1].Id, kept.Count + added.Count, kept.Latest.Concat(added).TakeLast(Math.Max(latest, 8)).ToList());
        _journalTails[id] = tail;
        if (_journalTails.Count > 4 * LiveCacheSize)
            foreach (var other in _journalTails.Keys.Where(k => k != id).Take(_journalTails.Count - 4 * LiveCacheSize).ToList()) _journalTails.TryRemove(other, out _);
        return (tail.Count, tail.Latest.TakeLast(latest).ToList());
    }

    /// <summary>
    /// A running campaign's key from the ledger alone (its signature, leaderboard, model calls, controls and record), for
    /// views computed from the ledger only (the analysis): while it holds, such a view computed earlier is still what a new
    /// computation would give.
    /// </summary>
    internal static async Task<string> LedgerKeyAsync(AutoResearch.Abstractions.Ports.ILedger ledger, CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var signature = await ledger.GetExperimentSignatureAsync(campaign.Id, cancellationToken);
        var leaderboard = await ledger.GetLeaderboardAsync(campaign.Id, cancellationToken);
        var calls = await ledger.GetModelCallsAsync(campaign.Id, cancellationToken);
        var controls = await ledger.GetControlsAsync(campaign.Id, cancellationToken);
        return LiveKey(campaign, signature, leaderboard, calls, controls, null, campaign.Spec.Slots);
    }

    /// <summary>Everything a running campaign's basis is computed from, but the experiments themselves (their signature stands for them).</summary>
    private static string LiveKey(CampaignRecord campaign, ExperimentSignature signature, IReadOnlyList<LeaderboardEntry> leaderboard,
        IReadOnlyList<ModelCallRecord> calls, IReadOnlyList<ControlRequest> controls, CampaignStatus? live, int slots)
    {
        static string T(DateTimeOffset? at) => at?.ToString("O", CultureInfo.InvariantCulture) ?? "-";
        var board = string.Join(',', leaderboard.Select(l => $"{l.Index}:{l.ExperimentId}:{l.Runs}:{l.Objective.ToString("R", CultureInfo.InvariantCulture)}"));
        // Model calls can be many: a hash of what each says (a call's record may be completed after it is first written).
        var callHash = new HashCode();
        foreach (var c in calls)
        {
            callHash.Add(c.Id, StringComparer.Ordinal);
            callHash.Add(c.ExperimentId, StringComparer.Ordinal);
            callHash.Add(c.Outcome, StringComparer.Ordinal);
            callHash.Add(c.PromptTokens);
            callHash.Add(c.CompletionTokens);
        }
        var control = string.Join(',', controls.Select(c => $"{c.Id}:{T(c.AppliedAt)}:{c.OutcomeKind}"));
        return string.Join('|',
            campaign.State, T(campaign.StartedAt), T(campaign.EndedAt), T(campaign.Deadline), campaign.Reason ?? "-",
            campaign.Spec.MaxExperiments, campaign.Spec.Slots, slots,
            live is null ? "-" : $"{live.State}:{live.Slots}",
            signature.Key, board, $"{calls.Count}:{callHash.ToHashCode()}", control);
    }
}
