using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>One agent as the gain allocation sees it: turns taken, what they used, and the accepted gain it made (objective units).</summary>
public sealed record AllocationArm(string Id, int Turns, ResourceUse Used, double Gain);

/// <summary>
/// <c>allocation: gain</c>: a bandit over a campaign's agents (in the spirit of ShinkaEvolve's UCB over models) that gives more
/// experiment tickets to agents with better accepted gain per cost. Pure and deterministic given the history.
/// <para>
/// Each agent's <b>reward</b> is its share of the campaign's accepted gain divided by its share of the campaign's cost (tokens,
/// CPU-seconds and GPU-seconds, each resource any agent used weighted equally; the share of turns when none used any), scaled
/// so the best agent scores 1. Its <b>score</b> is reward + <see cref="Exploration"/> × √(ln(N + 1) / (n + 1)) (N turns in all,
/// n its own). Its <b>share</b> of turns is the <b>floor</b> (<see cref="FloorOfFairShare"/> of the fair share 1/k) plus the
/// rest split in proportion to the scores: no agent is ever starved, and without any gain the shares stay near fair.
/// </para>
/// <para>
/// An agent may take a turn while it is under its share of the next turn (<c>share × (N + 1) − n &gt; 0</c>), or when no other
/// active agent is under its own: a slot never waits for an agent that is not asking.
/// </para>
/// </summary>
public static class GainAllocation
{
    /// <summary>The share every agent keeps, as a fraction of the fair share 1/k.</summary>
    public const double FloorOfFairShare = 0.4;

    /// <summary>Weight of the exploration bonus against the reward (0..1).</summary>
    public const double Exploration = 0.3;

    /// <summary>A change of any agent's share by at least this much (absolute) since the last one told is journaled.</summary>
    public const double MaterialShift = 0.1;

    /// <summary>Each agent's share of turns (summing to 1), by agent id.</summary>
    public static IReadOnlyDictionary<string, double> Shares(IReadOnlyList<AllocationArm> arms)
    {
        ArgumentNullException.ThrowIfNull(arms);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        var k = arms.Count;
        if (k == 0) return shares;
        if (k == 1)
        {
            shares[arms[0].Id] = 1;
            return shares;
        }
        var n = arms.Sum(a => Math.Max(0, a.Turns));
        var costShares = CostShares(arms);
        var totalGain = arms.Sum(a => Math.Max(0, a.Gain));
        var rewards = arms.Select((a, i) =>
        {
            if (totalGain <= 0 || a.Gain <= 0) return 0.0;
            var gainShare = a.Gain / totalGain;
            return gainShare / Math.Max(costShares[i], 1.0 / (2 * Math.Max(1, n)));
        }).ToList();
        var top = rewards.Max();
        var scores = arms.Select((a, i) =>
            (top > 0 ? rewards[i] / top : 0) + Exploration * Math.Sqrt(Math.Log(n + 1) / (Math.Max(0, a.Turns) + 1))).ToList();
        var floor = FloorOfFairShare / k;
        var sum = scores.Sum();
        for (var i = 0; i < k; i++)
            shares[arms[i].Id] = floor + (1 - k * floor) * (sum > 0 ? scores[i] / sum : 1.0 / k);
        return shares;
    }

    /// <summary>
    /// Whether <paramref name="agentId"/> may take the next turn: it is under its share of the next turn, or no other agent in
    /// <paramref name="active"/> (agents that still ask for turns) is under its own.
    /// </summary>
    public static bool Admits(string agentId, IReadOnlyList<AllocationArm> arms, IReadOnlySet<string> active)
    {
        ArgumentNullException.ThrowIfNull(arms);
        ArgumentNullException.ThrowIfNull(active);
        if (arms.All(a => a.Id != agentId)) return true;
        var shares = Shares(arms);
        var next = arms.Sum(a => Math.Max(0, a.Turns)) + 1;
        double Deficit(AllocationArm a) => shares[a.Id] * next - a.Turns;
        var me = arms.First(a => a.Id == agentId);
        if (Deficit(me) > 0) return true;
        return !arms.Any(a => a.Id != agentId && active.Contains(a.Id) && Deficit(a) > 0);
    }

    /// <summary>Each arm's share (0..1) of the cost, by position (see the class remarks).</summary>
    private static List<double> CostShares(IReadOnlyList<AllocationArm> arms)
    {
        var tokens = arms.Sum(a => (double)a.Used.Tokens);
        var cpu = arms.Sum(a => a.Used.CpuSeconds);
        var gpu = arms.Sum(a => a.Used.GpuSeconds);
        var turns = arms.Sum(a => (double)a.Turns);
        return arms.Select(a =>
        {
            var parts = new List<double>();
            if (tokens > 0) parts.Add(a.Used.Tokens / tokens);
            if (cpu > 0) parts.Add(a.Used.CpuSeconds / cpu);
            if (gpu > 0) parts.Add(a.Used.GpuSeconds / gpu);
            return parts.Count > 0 ? parts.Average() : turns > 0 ? a.Turns / turns : 0;
        }).ToList();
    }
}
