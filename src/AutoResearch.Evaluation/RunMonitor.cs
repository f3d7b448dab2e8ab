using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Evaluation;

/// <summary>
/// Watches one run's metric points for <see cref="EarlyStopper"/>. Thread-safe; answers a stop reason at most once and
/// null for every point after it.
/// </summary>
public sealed class RunMonitor
{
    private readonly EarlyStopper _stopper;
    private readonly Lock _gate = new();
    private double? _best;
    private int _rungIndex;
    private long _rungStep;
    private bool _stopped;

    internal RunMonitor(EarlyStopper stopper) => _stopper = stopper;

    /// <summary>
    /// Records <paramref name="point"/> and returns a human-readable reason to stop the run now, or null to let it go on.
    /// Points of other metrics, without a step or with a non-finite value are ignored.
    /// </summary>
    public string? Observe(MetricPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.Name != _stopper.MetricName || point.Step is not { } step || !double.IsFinite(point.Value)) return null;
        lock (_gate)
        {
            if (_stopped) return null;
            if (_best is null || _stopper.Metric.IsBetter(point.Value, _best.Value)) _best = point.Value;
            var reason = _stopper.Check(step, _best.Value, ref _rungIndex, ref _rungStep);
            _stopped = reason is not null;
            return reason;
        }
    }
}
