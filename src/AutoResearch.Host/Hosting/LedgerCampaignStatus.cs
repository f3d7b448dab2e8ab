using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Evaluation;

namespace AutoResearch.Host.Hosting;

/// <summary>A campaign's status rebuilt from the ledger alone, for reading without a running silo.</summary>
public static class LedgerCampaignStatus
{
    /// <param name="leaderboard">The ledger's accepted bests (baseline first); when empty the best is the best single run.</param>
    /// <param name="calls">The campaign's model calls: a model agent's model and failover are those of its latest answered proposal call.</param>
    /// <param name="controls">The campaign's control requests: the budgets shown are those in force after the applied changes.</param>
    public static CampaignStatus From(CampaignRecord campaign, IReadOnlyList<ExperimentRecord> experiments, int slots, IReadOnlyList<LeaderboardEntry>? leaderboard = null,
        IReadOnlyList<ModelCallRecord>? calls = null, IReadOnlyList<ControlRequest>? controls = null) =>
        From(campaign, experiments, slots, CampaignFacts.Build(campaign.Id, campaign.Spec, campaign.State, experiments, leaderboard, calls, controls, slots));

    /// <summary>The status from the ledger's rows and their <see cref="CampaignFacts"/> (built once by the caller).</summary>
    public static CampaignStatus From(CampaignRecord campaign, IReadOnlyList<ExperimentRecord> experiments, int slots, CampaignFacts facts)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(facts);
        var spec = campaign.Spec;
        var metric = spec.Benchmark.Metric;
        var heldOut = experiments.Where(e => e.IsHoldout).ToList();
        var status = new CampaignStatus
        {
            Id = campaign.Id,
            Name = campaign.Name,
            State = campaign.State,
            StartedAt = campaign.StartedAt,
            EndedAt = campaign.EndedAt,
            Deadline = campaign.Deadline,
            MaxExperiments = spec.MaxExperiments,
            Launched = facts.Launched,
            Finished = facts.Finished,
            Succeeded = facts.Succeeded,
            Failed = facts.Failed,
            Pruned = facts.Pruned,
            Direction = metric.Direction,
            MetricName = metric.Name,
            Used = facts.Used,
            Agents = spec.Agents.Select(a => AgentStatus.Initial(a)).ToList(),
            Reason = campaign.Reason,
            Slots = slots,
            Holdout = HoldoutSummaries.From(experiments, metric),
            HoldoutLaunched = heldOut.Count,
            HoldoutFinished = heldOut.Count(e => e.IsFinished),
            AllocationShares = new Dictionary<string, double>(facts.AllocationShares, StringComparer.Ordinal),
        };
        return status.WithFacts(facts, live: false);
    }
}
