using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// The campaign's held-out re-validation: every re-validated result with its in-sample and held-out scores, ranked by the
/// held-out score, the baseline's held-out score as the reference, and the final answer. One projection of the ledger's
/// experiments (<see cref="From"/>): the grain, the CLI, the console and the report all show this, none computes its own.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.HoldoutSummary")]
public sealed record HoldoutSummary
{
    /// <summary>The re-validated results (not the baseline), best held-out score first; those without a score last.</summary>
    [Id(0)] public List<HoldoutResult> Results { get; init; } = [];

    /// <summary>The baseline's re-validation; null when the baseline was not re-run on the held-out evaluation.</summary>
    [Id(1)] public HoldoutResult? Baseline { get; init; }

    /// <summary>
    /// The final answer ranked by held-out: the best held-out score among the results that held up; null when none did
    /// (keep the baseline) or the runs have not finished.
    /// </summary>
    [Id(2)] public string? FinalAnswerId { get; init; }

    /// <summary>Held-out runs in the ledger (all of them, whatever their state).</summary>
    [Id(3)] public int Runs { get; init; }

    public bool IsEmpty => Runs == 0;

    /// <summary>True when no held-out run is queued or running.</summary>
    public bool IsComplete => Results.All(r => r.HeldOutUnfinished == 0) && (Baseline is null || Baseline.HeldOutUnfinished == 0);

    public HoldoutResult? FinalAnswer => FinalAnswerId is null ? null : Results.FirstOrDefault(r => r.ExperimentId == FinalAnswerId);

    /// <summary>The re-validation of <paramref name="experimentId"/> (a result or the baseline), if it was re-validated.</summary>
    public HoldoutResult? For(string? experimentId) =>
        experimentId is null ? null : Baseline?.ExperimentId == experimentId ? Baseline : Results.FirstOrDefault(r => r.ExperimentId == experimentId);

    /// <summary>Builds the summary from a campaign's experiments (held-out runs reference what they re-run by <see cref="ExperimentRecord.RepeatOf"/>).</summary>
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
        var reference = baseline is { HeldOutUnfinished: 0 } ? baseline.HeldOut : null;
        var judged = rows.Where(r => !r.IsBaseline).Select(r => r with { Verdict = Judge(metric, r, baseline, reference) }).ToList();
        var ranked = judged.Where(r => r.HeldOut is not null)
            .OrderBy(r => metric.Direction == Direction.Minimize ? r.HeldOut!.Value : -r.HeldOut!.Value)
            .ThenBy(r => r.Sequence)
            .Select((r, i) => r with { Rank = i + 1 })
            .Concat(judged.Where(r => r.HeldOut is null).OrderBy(r => r.Sequence))
            .ToList();
        return new HoldoutSummary
        {
            Results = ranked,
            Baseline = baseline,
            FinalAnswerId = ranked.FirstOrDefault(r => r.Verdict == HoldoutVerdict.HeldUp)?.ExperimentId,
            Runs = heldOut.Count,
        };
    }

    /// <summary>
    /// The typed verdict: pending while its runs (or the baseline's) run; no score when every held-out run failed; no reference
    /// when the baseline has no held-out score; otherwise held up exactly when its held-out mean is strictly better than the baseline's.
    /// </summary>
    public static HoldoutVerdict Judge(MetricSpec metric, HoldoutResult result, HoldoutResult? baseline, double? baselineHeldOut)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(result);
        if (result.HeldOutUnfinished > 0) return HoldoutVerdict.Pending;
        if (result.HeldOut is not { } score) return HoldoutVerdict.NoScore;
        if (baseline is { HeldOutUnfinished: > 0 }) return HoldoutVerdict.Pending;
        if (baselineHeldOut is not { } reference) return HoldoutVerdict.NoReference;
        return metric.IsBetter(score, reference) ? HoldoutVerdict.HeldUp : HoldoutVerdict.DidNotHoldUp;
    }

    private static double? StdDev(List<double> v)
    {
        if (v.Count < 2) return null;
        var mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
    }
}
