using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Evaluation;

/// <summary>Watches one run's metric points for <see cref="EarlyStopper"/>. Thread-safe; answers a stop reason once.</summary>
public sealed class RunMonitor
{
    private readonly EarlyStopper _stopper;
    private readonly Lock _gate = new();
    private double? _best;
    private int _nextRung;
    private bool _stopped;

    internal RunMonitor(EarlyStopper stopper) => _stopper = stopper;

    /// <summary>A reason to stop the run now, or null to let it go on.</summary>
    public string? Observe(MetricPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.Name != _stopper.Name || point.Step is not { } step || !double.IsFinite(point.Value)) return null;
        lock (_gate)
        {
            if (_stopped) return null;
            if (_best is null || _stopper.Metric.IsBetter(point.Value, _best.Value)) _best = point.Value;
            var reason = _stopper.Check(step, _best.Value, ref _nextRung);
            _stopped = reason is not null;
            return reason;
        }
    }
}
