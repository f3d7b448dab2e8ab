namespace AutoResearch.Web.Campaigns;

/// <summary>Everything the live campaign view shows; what the server-sent events carry.</summary>
public sealed record CampaignDetail(
    CampaignListItem Campaign,
    string Goal,
    string? Reason,
    double? Target,
    double? BestConfidence,
    int BestRuns,
    double? NoiseStdDev,
    int Succeeded,
    int Failed,
    int Pruned,
    int Slots,
    BudgetView Budget,
    IReadOnlyList<AgentView> Agents,
    IReadOnlyList<ExperimentSummary> Running,
    IReadOnlyList<ExperimentSummary> Recent,
    IReadOnlyList<ChartPoint> Points,
    IReadOnlyList<BestStep> Bests,
    int JournalEntries,
    IReadOnlyList<JournalItem> LatestJournal,
    DateTimeOffset Now,
    HoldoutView? Holdout = null,

    AutoResearch.Abstractions.Grains.NoiseSummary? Noise = null,

    CostPerGainView? CostPerGain = null,

    IReadOnlyList<LiveWarning>? Warnings = null)
{
    /// <summary>Runs behind the baseline's value (its first run and its noise repeats).</summary>
    public int BaselineRuns { get; init; }

    /// <summary>Experiments holding a sandbox slot now (never more than <see cref="Slots"/>) and those waiting for one, counted apart.</summary>
    public int RunningCount { get; init; }
    public int QueuedCount { get; init; }

    /// <summary>Experiments waiting for a person's approval (they hold no slot) and since when the oldest waits; shown so a night never stalls unseen.</summary>
    public int AwaitingApprovalCount { get; init; }
    public DateTimeOffset? AwaitingApprovalSince { get; init; }

    /// <summary>The sandbox slots of every live host (sum and per host) while the campaign runs; null once it has ended.</summary>
    public AutoResearch.Abstractions.Grains.ClusterFleetStatus? Fleet { get; init; }
}
