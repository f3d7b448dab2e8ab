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
        var estimate = Estimate(list);
        return new NoiseSummary
        {
            StdDev = estimate?.StdDev,
            Runs = estimate?.Runs ?? 0,
            DegreesOfFreedom = estimate?.DegreesOfFreedom ?? 0,
            IdenticalRepeats = estimate?.IdenticalRepeats ?? false,
            MinImprovement = noise.EffectiveMinImprovement,
            FromConfirmedCandidates = estimate?.Source == NoiseSource.ConfirmedCandidates,
            Tests = list.Count(x => x.Kind == ExperimentKind.Proposal && x.Confidence is not null &&
                x.Verdict is AcceptanceVerdict.Accepted or AcceptanceVerdict.WithinNoise or AcceptanceVerdict.NotBetter),
        };
    }

    /// <summary>
    /// The campaign's noise estimate from its experiments, by the rule its leaderboard judges with
    /// (<see cref="NoiseEstimator.ForComparisons"/>): repeat groups are an experiment and its repeats with a usable objective;
    /// the baseline's group is the one whose first run is a baseline run.
    /// </summary>
    public static NoiseEstimate? Estimate(IEnumerable<ExperimentRecord> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        var usable = experiments.Where(e => e.HasUsableObjective).ToList();
        var roots = usable.ToDictionary(e => e.Id, StringComparer.Ordinal);
        IReadOnlyList<double>? baseline = null;
        var others = new List<IReadOnlyList<double>>();
        foreach (var group in usable.OrderBy(e => e.Sequence).GroupBy(e => e.RepeatOf ?? e.Id, StringComparer.Ordinal))
        {
            var values = group.Select(e => e.Objective!.Value).ToList();
            if (values.Count < 2) continue;
            if (baseline is null && roots.TryGetValue(group.Key, out var root) && root.IsBaselineRun) baseline = values;
            else others.Add(values);
        }
        return NoiseEstimator.ForComparisons(baseline, others);
    }
}
