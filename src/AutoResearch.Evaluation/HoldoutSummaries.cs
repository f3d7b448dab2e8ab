using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Builds the campaign's <see cref="HoldoutSummary"/> from its experiments (held-out runs name what they re-run by
/// <see cref="ExperimentRecord.RepeatOf"/>) and judges each re-validated result against the baseline's held-out runs. The
/// grain, the CLI, the console and the report all call this; none judges held-out results on its own.
/// </summary>
public static class HoldoutSummaries
{
    /// <summary>Confidence a held-out gain must reach to count as "held up" (one-sided t test).</summary>
    public const double RequiredConfidence = 0.95;

    public static HoldoutSummary From(IReadOnlyList<ExperimentRecord> experiments, MetricSpec metric)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(metric);
        var heldOut = experiments.Where(e => e.IsHoldout && e.RepeatOf is not null).ToList();
        if (heldOut.Count == 0) return new HoldoutSummary();

        var byId = experiments.GroupBy(e => e.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rows = new List<HoldoutResult>();
        foreach (var group in heldOut.GroupBy(e => e.RepeatOf!, StringComparer.Ordinal))
        {
            var target = byId.GetValueOrDefault(group.Key);
            var inSample = experiments.Where(e => e.HasUsableObjective && (e.Id == group.Key || (e.Kind == ExperimentKind.Repeat && e.RepeatOf == group.Key)))
                .Select(e => e.Objective!.Value).ToList();
            var scores = group.Where(e => e.HasHeldOutObjective).Select(e => e.Objective!.Value).ToList();
            rows.Add(new HoldoutResult
            {
                ExperimentId = group.Key,
                Sequence = target?.Sequence ?? -1,
                AgentId = target?.AgentId ?? "",
                IsBaseline = target is { } t && t.IsBaselineRun,
                InSample = inSample.Count > 0 ? inSample.Average() : null,
                InSampleRuns = inSample.Count,
                HeldOut = scores.Count > 0 ? scores.Average() : null,
                HeldOutRuns = scores.Count,
                HeldOutStdDev = StdDev(scores),
                HeldOutFailed = group.Count(e => e.IsFinished && !e.HasHeldOutObjective),
                HeldOutUnfinished = group.Count(e => !e.IsFinished),
                Parameters = target?.Parameters ?? [],
            });
        }

        var baseline = rows.FirstOrDefault(r => r.IsBaseline);
        if (baseline is not null)
            baseline = baseline with { Verdict = baseline.HeldOutUnfinished > 0 ? HoldoutVerdict.Pending : HoldoutVerdict.Baseline };
        var judged = rows.Where(r => !r.IsBaseline).Select(r =>
        {
            var (verdict, confidence) = Judge(metric, r, baseline);
            return r with { Verdict = verdict, Confidence = confidence };
        }).ToList();
        var ranked = judged.Where(r => r.HeldOut is not null)
            .OrderBy(r => metric.Direction == Direction.Minimize ? r.HeldOut!.Value : -r.HeldOut!.Value)
            .ThenBy(r => r.Sequence)
            .Select((r, i) => r with { Rank = i + 1 })
            .Concat(judged.Where(r => r.HeldOut is null).OrderBy(r => r.Sequence))
            .ToList();
        var answer = ranked.FirstOrDefault(r => r.Verdict == HoldoutVerdict.HeldUp) ?? ranked.FirstOrDefault(r => r.Verdict == HoldoutVerdict.WithinNoise);
        return new HoldoutSummary
        {
            Results = ranked,
            Baseline = baseline,
            FinalAnswerId = answer?.ExperimentId,
            Runs = heldOut.Count,
        };
    }

    /// <summary>
    /// The typed verdict and its confidence: pending while its runs (or the baseline's) run; no score when every held-out run
    /// failed; no reference when the baseline has no held-out score; did not hold up when its held-out mean is not strictly
    /// better than the baseline's; otherwise held up when a one-sided t test over both sides' held-out runs (pooled spread) gives
    /// at least <see cref="RequiredConfidence"/> (with no spread measured at all, or none in the runs — a deterministic held-out
    /// evaluation — strictly better counts), else within noise.
    /// </summary>
    public static (HoldoutVerdict Verdict, double? Confidence) Judge(MetricSpec metric, HoldoutResult result, HoldoutResult? baseline)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(result);
        if (result.HeldOutUnfinished > 0) return (HoldoutVerdict.Pending, null);
        if (result.HeldOut is not { } score) return (HoldoutVerdict.NoScore, null);
        if (baseline is { HeldOutUnfinished: > 0 }) return (HoldoutVerdict.Pending, null);
        if (baseline?.HeldOut is not { } reference) return (HoldoutVerdict.NoReference, null);
        if (!metric.IsBetter(score, reference)) return (HoldoutVerdict.DidNotHoldUp, null);

        // Student's t with the pooled spread of both sides' held-out runs (the same evaluation, so one noise level; a side
        // with a single run adds no degrees of freedom). Welch's per-side variances would leave 1 degree of freedom with the
        // default two held-out runs, too few to confirm anything.
        var gain = Math.Abs(score - reference);
        var (n1, n2) = (result.HeldOutRuns, baseline.HeldOutRuns);
        var dof = Math.Max(0, n1 - 1) + Math.Max(0, n2 - 1);
        if (dof == 0) return (HoldoutVerdict.HeldUp, null); // no held-out noise measured
        var pooled = (Math.Max(0, n1 - 1) * Square(result.HeldOutStdDev) + Math.Max(0, n2 - 1) * Square(baseline.HeldOutStdDev)) / dof;
        var se = Math.Sqrt(pooled * (1.0 / n1 + 1.0 / n2));
        if (se <= 1e-12 * Math.Max(1, Math.Abs(reference))) return (HoldoutVerdict.HeldUp, 1.0); // no spread: deterministic held-out
        var confidence = StudentT.Cdf(gain / se, dof);
        return (confidence >= RequiredConfidence ? HoldoutVerdict.HeldUp : HoldoutVerdict.WithinNoise, confidence);
    }

    private static double Square(double? x) => x is { } v ? v * v : 0;

    private static double? StdDev(List<double> v)
    {
        if (v.Count < 2) return null;
        var mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
    }
}
