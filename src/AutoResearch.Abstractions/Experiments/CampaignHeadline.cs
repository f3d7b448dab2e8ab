using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// What a list of campaigns shows of one campaign's experiments: finished search experiments, the baseline, the best so far
/// and its experiment. The ledger computes it with aggregate queries; <see cref="From"/> is the same rule over the full list
/// (the one a campaign's status uses), which the ledger's queries must equal.
/// </summary>
public sealed record CampaignHeadline(int Finished, double? Baseline, double? Best, string? BestExperimentId, int? BestSequence)
{
    /// <param name="experiments">Every experiment of the campaign, ordered by sequence.</param>
    /// <param name="leaderboard">The campaign's accepted bests, baseline first; when empty the best is the best single run.</param>
    public static CampaignHeadline From(IReadOnlyList<ExperimentRecord> experiments, IReadOnlyList<LeaderboardEntry> leaderboard, MetricSpec metric)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(leaderboard);
        ArgumentNullException.ThrowIfNull(metric);
        // Held-out runs and proposals rejected before they ran are no search experiments.
        var search = experiments.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList();
        var succeeded = search.Where(e => e.HasUsableObjective).ToList();
        var accepted = leaderboard.Count > 0 ? leaderboard[^1] : null;
        var single = metric.BestOf(succeeded);
        var runs = accepted is null ? [] : succeeded.Where(e => e.Id == accepted.ExperimentId || e.RepeatOf == accepted.ExperimentId).Select(e => e.Objective!.Value).ToList();
        var bestId = accepted?.ExperimentId ?? single?.Id;
        return new CampaignHeadline(
            search.Count(e => e.IsFinished),
            // The baseline is the mean of its runs (its first run and its noise repeats), as CampaignFacts has it.
            succeeded.FirstOrDefault(e => e.IsBaselineRun) is { } first
                ? succeeded.Where(e => e.Id == first.Id || e.RepeatOf == first.Id).Average(e => e.Objective!.Value)
                : null,
            runs.Count > 0 ? runs.Average() : accepted?.Objective ?? single?.Objective,
            bestId,
            bestId is null ? null : experiments.FirstOrDefault(e => e.Id == bestId)?.Sequence);
    }
}
