using System.Globalization;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// <c>allocation: gain</c>: before a proposal ticket is granted, the <see cref="GainAllocation"/> bandit decides whether the
/// asking agent is within its share of turns; an agent over its share waits (and asks again) while another active agent is
/// under its own. Each share change of at least <see cref="GainAllocation.MaterialShift"/> is journaled.
/// </summary>
public sealed class GainAllocator(CampaignSession s)
{
    /// <summary>An agent that has not asked for a ticket for this long beyond one run's time limit no longer counts as active.</summary>
    private static readonly TimeSpan ActiveGrace = TimeSpan.FromSeconds(10);

    private Dictionary<string, int>? _turns;
    private readonly Dictionary<string, DateTimeOffset> _lastAsked = new(StringComparer.Ordinal);
    private Dictionary<string, double> _toldShares = new(StringComparer.Ordinal);

    private CampaignSpec Spec => s.Spec;

    /// <summary>Why <paramref name="agentId"/> must wait for its turn under <c>allocation: gain</c>; null when it may have one (always under <c>fair</c>).</summary>
    public async Task<string?> WhyNotMyTurnAsync(string agentId)
    {
        if (Spec.Allocation != AllocationPolicy.Gain || Spec.Agents.Count < 2) return null;
        var now = s.Clock.GetUtcNow();
        _lastAsked[agentId] = now;
        _turns ??= new(CampaignFacts.Turns(await s.Ledger.GetExperimentsAsync(s.CampaignId)), StringComparer.Ordinal);
        if (s.NextSequence == 0) return null; // the baseline runs first, whoever asks
        var arms = Arms();
        var window = Spec.Benchmark.TimeLimit * 2 + ActiveGrace;
        var active = Spec.Agents
            .Where(a => _lastAsked.TryGetValue(a.Id, out var at) && now - at <= window)
            .Where(a => s.State.Agents.GetValueOrDefault(a.Id)?.State is not (AgentState.Done or AgentState.Stopped or AgentState.Paused))
            .Select(a => a.Id)
            .ToHashSet(StringComparer.Ordinal);
        if (GainAllocation.Admits(agentId, arms, active)) return null;
        var share = GainAllocation.Shares(arms).GetValueOrDefault(agentId);
        return string.Create(CultureInfo.InvariantCulture, $"allocation gain: over its share of turns ({share:P0}); agents with better gain per cost go first");
    }

    /// <summary>Counts a granted ticket for <paramref name="agentId"/> and journals a material shift of the shares.</summary>
    public async Task NoteTurnAsync(string agentId)
    {
        if (Spec.Allocation != AllocationPolicy.Gain || _turns is null) return;
        _turns[agentId] = _turns.GetValueOrDefault(agentId) + 1;
        var shares = GainAllocation.Shares(Arms());
        s.AllocationShares = new Dictionary<string, double>(shares, StringComparer.Ordinal);
        var fair = 1.0 / Spec.Agents.Count;
        var shift = shares.Max(x => Math.Abs(x.Value - _toldShares.GetValueOrDefault(x.Key, fair)));
        if (shift < GainAllocation.MaterialShift) return;
        _toldShares = new Dictionary<string, double>(shares, StringComparer.Ordinal);
        var gains = CostPerGain.GainsByAgent(s.Board.Snapshot().History, Spec.Benchmark.Metric.Direction);
        var parts = Spec.Agents.Select(a => string.Create(CultureInfo.InvariantCulture,
            $"{a.Id} {shares.GetValueOrDefault(a.Id):P0} ({_turns.GetValueOrDefault(a.Id)} turns, accepted gain {gains.GetValueOrDefault(a.Id):G4})"));
        await s.AppendAsync($"Allocation by gain per cost shifted: next turns go {string.Join(", ", parts)}. Every agent keeps at least {GainAllocation.FloorOfFairShare / Spec.Agents.Count:P0}.");
    }

    private List<AllocationArm> Arms()
    {
        var gains = CostPerGain.GainsByAgent(s.Board.Snapshot().History, Spec.Benchmark.Metric.Direction);
        return Spec.Agents.Select(a => new AllocationArm(
            a.Id,
            _turns!.GetValueOrDefault(a.Id),
            s.State.Agents.GetValueOrDefault(a.Id)?.Used ?? ResourceUse.Zero,
            gains.GetValueOrDefault(a.Id))).ToList();
    }
}
