using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Early stopping from intermediate <c>METRIC name=value step=N</c> points, against the curves of earlier finished runs
/// (succeeded or themselves stopped early).
/// <list type="bullet">
/// <item><b>median</b>: at each step s ≥ min_step, a run whose best value so far is strictly worse than the median of the
/// earlier runs' best values up to s (among at least min_runs runs that reached s) is stopped.</item>
/// <item><b>successive_halving</b> (asynchronous, ASHA-style): rungs at min_step·eta^k; when a run reaches a rung its best value
/// so far is ranked with the earlier runs' values at that rung (at least min_runs of them); it continues only if it is in the
/// top max(1, ⌊(n+1)/eta⌋) of the n+1 values.</item>
/// </list>
/// </summary>
public sealed class EarlyStopper
{
    private readonly EarlyStoppingSpec _spec;
    private readonly MetricSpec _metric;
    private readonly string _name;
    private readonly List<List<(long Step, double Value)>> _curves;

    public EarlyStopper(EarlyStoppingSpec spec, MetricSpec metric, IEnumerable<IReadOnlyList<MetricPoint>> earlierRuns)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(earlierRuns);
        _spec = spec;
        _metric = metric;
        _name = spec.Metric ?? metric.Name;
        _curves = earlierRuns
            .Select(run => run.Where(p => p.Name == _name && p.Step is not null && double.IsFinite(p.Value))
                .Select(p => (p.Step!.Value, p.Value)).OrderBy(p => p.Item1).ToList())
            .Where(c => c.Count > 0)
            .ToList();
    }

    /// <summary>A monitor for one new run.</summary>
    public RunMonitor CreateMonitor() => new(this);

    /// <summary>Why a run with best value <paramref name="bestSoFar"/> at <paramref name="step"/> should stop; null to go on.</summary>
    internal string? Check(long step, double bestSoFar, ref int nextRung)
    {
        if (!_spec.Enabled || step < Math.Max(1, _spec.MinStep)) return null;
        return _spec.Rule switch
        {
            EarlyStoppingRule.Median => Median(step, bestSoFar),
            EarlyStoppingRule.SuccessiveHalving => Halving(step, bestSoFar, ref nextRung),
            _ => null,
        };
    }

    internal string Name => _name;

    internal MetricSpec Metric => _metric;

    private string? Median(long step, double bestSoFar)
    {
        var others = ValuesAt(step);
        if (others.Count < Math.Max(1, _spec.MinRuns)) return null;
        others.Sort();
        var median = others.Count % 2 == 1 ? others[others.Count / 2] : (others[others.Count / 2 - 1] + others[others.Count / 2]) / 2;
        if (!_metric.IsBetter(median, bestSoFar)) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"median rule: {_name} {bestSoFar:G4} at step {step} is worse than the median {median:G4} of {others.Count} earlier runs at step {step}");
    }

    private string? Halving(long step, double bestSoFar, ref int nextRung)
    {
        var eta = Math.Max(1.0001, _spec.Eta);
        string? reason = null;
        while (reason is null)
        {
            var rung = (long)Math.Round(Math.Max(1, _spec.MinStep) * Math.Pow(eta, nextRung));
            if (step < rung) break;
            nextRung++;
            var others = ValuesAt(rung);
            if (others.Count < Math.Max(1, _spec.MinRuns)) continue;
            var better = others.Count(v => _metric.IsBetter(v, bestSoFar));
            var keep = Math.Max(1, (int)Math.Floor((others.Count + 1) / eta));
            if (better >= keep)
            {
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"successive halving: {_name} {bestSoFar:G4} at rung step {rung} ranks {better + 1} of {others.Count + 1}; only the top {keep} continue");
            }
        }
        return reason;
    }

    /// <summary>Best value so far at <paramref name="step"/> of every earlier run that reached it.</summary>
    private List<double> ValuesAt(long step)
    {
        var values = new List<double>();
        foreach (var curve in _curves)
        {
            if (curve[^1].Step < step) continue;
            double? best = null;
            foreach (var (s, v) in curve)
            {
                if (s > step) break;
                if (best is null || _metric.IsBetter(v, best.Value)) best = v;
            }
            if (best is { } b) values.Add(b);
        }
        return values;
    }
}
