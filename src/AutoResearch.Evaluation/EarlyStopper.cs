using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Early stopping from intermediate <c>METRIC name=value step=N</c> points, against the curves of earlier finished runs
/// (succeeded or themselves stopped early). Only points of the configured metric (<see cref="EarlyStoppingSpec.Metric"/>,
/// else the objective) that carry a step count; values are compared as "best so far" in the objective's direction.
/// <list type="bullet">
/// <item><b>median</b>: at each step s ≥ min_step, a run whose best value so far is strictly worse than the median of the
/// earlier runs' best values up to s (among at least min_runs runs that reached s) is stopped.</item>
/// <item><b>successive_halving</b> (asynchronous, ASHA-style): rungs at min_step·eta^k; when a run reaches a rung its best value
/// so far is ranked with the earlier runs' values at that rung (at least min_runs of them); it continues only if it is in the
/// top max(1, ⌊(n+1)/eta⌋) of the n+1 values.</item>
/// <item><b>none</b>: never stops a run.</item>
/// </list>
/// One stopper serves one decision context (the earlier runs are read once); <see cref="CreateMonitor"/> gives each new
/// run its own thread-safe <see cref="RunMonitor"/>.
/// </summary>
public sealed class EarlyStopper
{
    private readonly EarlyStoppingSpec _spec;
    private readonly MetricSpec _metric;
    private readonly string _name;
    private readonly List<Curve> _curves;
    private readonly long _lastEarlierStep;

    /// <summary>Builds a stopper from the rule and the metric curves of earlier finished runs.</summary>
    /// <param name="spec">The benchmark's <c>early_stopping</c> section.</param>
    /// <param name="metric">The objective: its name (when <see cref="EarlyStoppingSpec.Metric"/> is null) and its direction.</param>
    /// <param name="earlierRuns">The metric points of each earlier finished run; points of other metrics, without a step
    /// or with a non-finite value are ignored, as are runs left with no point.</param>
    public EarlyStopper(EarlyStoppingSpec spec, MetricSpec metric, IEnumerable<IReadOnlyList<MetricPoint>> earlierRuns)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(earlierRuns);
        _spec = spec;
        _metric = metric;
        _name = spec.Metric ?? metric.Name;
        _curves = [];
        foreach (var run in earlierRuns)
        {
            ArgumentNullException.ThrowIfNull(run, nameof(earlierRuns));
            var points = run.Where(p => p.Name == _name && p.Step is not null && double.IsFinite(p.Value))
                .Select(p => (Step: p.Step!.Value, p.Value)).OrderBy(p => p.Step).ToList();
            if (points.Count > 0)
                _curves.Add(new Curve(points, metric));
        }
        _lastEarlierStep = _curves.Count == 0 ? 0 : _curves.Max(c => c.LastStep);
    }

    /// <summary>The metric whose points are watched.</summary>
    public string MetricName => _name;

    /// <summary>Earlier runs with at least one point of the watched metric.</summary>
    public int EarlierRuns => _curves.Count;

    /// <summary>A monitor for one new run.</summary>
    public RunMonitor CreateMonitor() => new(this);

    internal MetricSpec Metric => _metric;

    /// <summary>Why a run with best value <paramref name="bestSoFar"/> at <paramref name="step"/> should stop; null to go on.</summary>
    /// <param name="rungIndex">Successive halving: the index k of the next rung this run has not been judged at.</param>
    /// <param name="rungStep">Successive halving: the step of rung <paramref name="rungIndex"/> (0 before the first).</param>
    internal string? Check(long step, double bestSoFar, ref int rungIndex, ref long rungStep)
    {
        var minStep = Math.Max(1, _spec.MinStep);
        if (!_spec.Enabled || step < minStep) return null;
        return _spec.Rule switch
        {
            EarlyStoppingRule.Median => Median(step, bestSoFar),
            EarlyStoppingRule.SuccessiveHalving => Halving(step, bestSoFar, minStep, ref rungIndex, ref rungStep),
            _ => null,
        };
    }

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

    private string? Halving(long step, double bestSoFar, long minStep, ref int rungIndex, ref long rungStep)
    {
        var eta = Math.Max(1.0001, _spec.Eta);
        if (rungStep < minStep) rungStep = minStep;
        while (step >= rungStep)
        {
            var rung = rungStep;
            if (rung > _lastEarlierStep)
            {
                // No earlier run reached this rung (or any later one): nothing to rank against up to this step.
                rungStep = step == long.MaxValue ? step : step + 1;
                break;
            }

            rungIndex++;
            // Rungs strictly increase even where min_step·eta^k rounds to the same step (eta close to 1).
            var next = Math.Round(minStep * Math.Pow(eta, rungIndex), MidpointRounding.AwayFromZero);
            rungStep = next >= long.MaxValue ? long.MaxValue : Math.Max(rung + 1, (long)next);

            var others = ValuesAt(rung);
            if (others.Count < Math.Max(1, _spec.MinRuns)) continue;
            var better = others.Count(v => _metric.IsBetter(v, bestSoFar));
            var keep = Math.Max(1, (int)Math.Floor((others.Count + 1) / eta));
            if (better >= keep)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"successive halving: {_name} {bestSoFar:G4} at rung step {rung} ranks {better + 1} of {others.Count + 1}; only the top {keep} continue");
            }
        }
        return null;
    }

    /// <summary>Best value so far at <paramref name="step"/> of every earlier run that reached it.</summary>
    private List<double> ValuesAt(long step)
    {
        var values = new List<double>(_curves.Count);
        foreach (var curve in _curves)
        {
            if (curve.BestAt(step) is { } best) values.Add(best);
        }
        return values;
    }

    /// <summary>One earlier run's points of the watched metric, by step, with the best value so far at each.</summary>
    private sealed class Curve
    {
        private readonly long[] _steps;
        private readonly double[] _best;

        public Curve(List<(long Step, double Value)> points, MetricSpec metric)
        {
            _steps = new long[points.Count];
            _best = new double[points.Count];
            for (var i = 0; i < points.Count; i++)
            {
                _steps[i] = points[i].Step;
                _best[i] = i == 0 || metric.IsBetter(points[i].Value, _best[i - 1]) ? points[i].Value : _best[i - 1];
            }
        }

        public long LastStep => _steps[^1];

        /// <summary>The best value at or before <paramref name="step"/>; null when the run never reached the step or has no point up to it.</summary>
        public double? BestAt(long step)
        {
            if (_steps[^1] < step) return null;
            // Last index with a step ≤ the one asked for.
            int lo = 0, hi = _steps.Length - 1, found = -1;
            while (lo <= hi)
            {
                var mid = lo + (hi - lo) / 2;
                if (_steps[mid] <= step)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }
            return found < 0 ? null : _best[found];
        }
    }
}
