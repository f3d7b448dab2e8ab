using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// The <see cref="NoiseSummary"/> of a campaign rebuilt from its ledger (the same groups and rule the campaign's leaderboard
/// uses), for the views that read the ledger without a running campaign: status, the run summary, the report.
/// </summary>
public static class NoiseSummaries
{
    /// <summary>From the experiments: repeat groups are an experiment and its repeats with a usable objective.</summary>
    public static NoiseSummary FromLedger(IEnumerable<ExperimentRecord> experiments, NoiseSpec noise)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(noise);
        var list = experiments as IReadOnlyCollection<ExperimentRecord> ?? experiments.ToList();
        var groups = list.Where(e => e.HasUsableObjective)
            .GroupBy(e => e.RepeatOf ?? e.Id, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<double>)g.Select(e => e.Objective!.Value).ToList())
            .Where(g => g.Count >= 2)
            .ToList();
        var estimate = NoiseEstimator.Pooled(groups);
        return new NoiseSummary
        {
            StdDev = estimate?.StdDev,
            Runs = estimate?.Runs ?? 0,
            DegreesOfFreedom = estimate?.DegreesOfFreedom ?? 0,
            IdenticalRepeats = estimate?.IdenticalRepeats ?? false,
            MinImprovement = noise.EffectiveMinImprovement,
            Tests = list.Count(x => x.Kind == ExperimentKind.Proposal && x.Confidence is not null &&
                x.Verdict is AcceptanceVerdict.Accepted or AcceptanceVerdict.WithinNoise or AcceptanceVerdict.NotBetter),
        };
    }
}
