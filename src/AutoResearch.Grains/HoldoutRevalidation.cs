using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains;

/// <summary>
/// The campaign's held-out re-validation queue: which results (the baseline and the top accepted ones) are re-run on the
/// benchmark's held-out evaluation, how many of their held-out runs were launched and finished. Pure bookkeeping: the
/// campaign grain grants the runs as tickets (charged to the budgets like any run) and the ledger holds them
/// (<see cref="ExperimentKind.Holdout"/>, <see cref="ExperimentRecord.RepeatOf"/> naming the result), so it is rebuilt from there.
/// </summary>
public sealed class HoldoutRevalidation
{
    private readonly List<ExperimentRecord> _targets = [];
    private readonly Dictionary<string, int> _launched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _finished = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dropped = new(StringComparer.Ordinal);

    public HoldoutRevalidation(BenchmarkSpec benchmark, HoldoutPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
        Repeats = benchmark.Holdout?.Repeats ?? 0;
        Enabled = benchmark.Holdout is not null && policy.Enabled && Repeats > 0;
    }

    /// <summary>The benchmark has a held-out evaluation and the campaign re-validates something.</summary>
    public bool Enabled { get; }

    public HoldoutPolicy Policy { get; }

    /// <summary>Held-out runs per re-validated result.</summary>
    public int Repeats { get; }

    /// <summary>The results queued for re-validation, in the order they were added (the baseline first when it is one).</summary>
    public IReadOnlyList<ExperimentRecord> Targets => _targets;

    /// <summary>Held-out runs still to launch.</summary>
    public int Queued => _targets.Where(t => !_dropped.Contains(t.Id)).Sum(t => Math.Max(0, Repeats - _launched.GetValueOrDefault(t.Id)));

    public int Launched => _launched.Values.Sum();

    public int Finished => _finished.Values.Sum();

    /// <summary>Queues <paramref name="target"/>'s held-out runs; false when it was queued before (or re-validation is off).</summary>
    public bool Add(ExperimentRecord target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!Enabled || _targets.Any(t => t.Id == target.Id)) return false;
        if (target.Kind == ExperimentKind.Baseline || target.IsBaseline)
            _targets.Insert(0, target);
        else
            _targets.Add(target);
        return true;
    }

    /// <summary>The result whose next held-out run to launch (the baseline first), counted as launched; null when none is queued.</summary>
    public ExperimentRecord? Take()
    {
        foreach (var t in _targets)
        {
            if (_dropped.Contains(t.Id) || _launched.GetValueOrDefault(t.Id) >= Repeats) continue;
            _launched[t.Id] = _launched.GetValueOrDefault(t.Id) + 1;
            return t;
        }
        return null;
    }

    /// <summary>A held-out run finished (whatever its outcome).</summary>
    public void Observe(ExperimentRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run is { IsHoldout: true, RepeatOf: { } of })
            _finished[of] = _finished.GetValueOrDefault(of) + 1;
    }

    /// <summary>Gives up on the runs not launched yet (deadline or budget); returns how many there were.</summary>
    public int DropQueued()
    {
        var queued = Queued;
        foreach (var t in _targets) _dropped.Add(t.Id);
        return queued;
    }

    /// <summary>Rebuilds the queue from the ledger: every result with held-out runs is a target, with its launched and finished counts.</summary>
    public void Restore(IReadOnlyList<ExperimentRecord> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        var byId = experiments.ToDictionary(e => e.Id, StringComparer.Ordinal);
        foreach (var run in experiments.Where(e => e.IsHoldout && e.RepeatOf is not null).OrderBy(e => e.Sequence))
        {
            var of = run.RepeatOf!;
            if (Enabled && _targets.All(t => t.Id != of) && byId.TryGetValue(of, out var target)) Add(target);
            _launched[of] = _launched.GetValueOrDefault(of) + 1;
            if (run.IsFinished) _finished[of] = _finished.GetValueOrDefault(of) + 1;
        }
    }

    /// <summary>
    /// What the end of a campaign re-validates: the <paramref name="topK"/> accepted results (leaderboard entries after the
    /// baseline) with the best in-sample means (their run and every repeat of it), and the baseline (when it has a tuning
    /// result) as their reference. Nothing when no result was accepted: the baseline alone has nothing to be compared with.
    /// </summary>
    public static IReadOnlyList<ExperimentRecord> FinalTargets(
        IReadOnlyList<ExperimentRecord> experiments, IReadOnlyList<LeaderboardEntry> accepted, MetricSpec metric, int topK)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(metric);
        var byId = experiments.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var result = new List<ExperimentRecord>();
        if (experiments.FirstOrDefault(e => e.Kind == ExperimentKind.Baseline && e.HasUsableObjective) is { } baseline)
            result.Add(baseline);
        var ranked = accepted
            .Select(a => a.ExperimentId)
            .Distinct(StringComparer.Ordinal)
            .Where(id => byId.TryGetValue(id, out var e) && e.Kind != ExperimentKind.Baseline && !e.IsBaseline && e.HasUsableObjective)
            .Select(id => (Experiment: byId[id], Mean: InSampleMean(id, experiments)))
            .OrderBy(x => metric.Direction == Direction.Minimize ? x.Mean : -x.Mean)
            .ThenBy(x => x.Experiment.Sequence)
            .Take(Math.Max(0, topK))
            .Select(x => x.Experiment);
        result.AddRange(ranked);
        return result.Any(e => e.Kind != ExperimentKind.Baseline) ? result : [];
    }

    /// <summary>Mean of an experiment's tuning runs: its own and its repeats'.</summary>
    public static double InSampleMean(string experimentId, IReadOnlyList<ExperimentRecord> experiments) =>
        experiments.Where(e => e.HasUsableObjective && (e.Id == experimentId || (e.Kind == ExperimentKind.Repeat && e.RepeatOf == experimentId)))
            .Select(e => e.Objective!.Value)
            .DefaultIfEmpty(double.NaN)
            .Average();
}
