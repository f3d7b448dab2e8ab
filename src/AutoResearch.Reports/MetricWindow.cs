using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>
/// The y window of the metric chart: all values, unless a few runs blew up far on the worse side (a diverged loss, an
/// exploding error). Those beyond the worse quartile by more than <see cref="Fences"/> interquartile ranges (or, when half
/// the runs share a value, by more than <see cref="Fences"/> × the spread of the rest) are left out of the window and drawn on
/// its edge. The better side is never clipped (the best must stay on the chart), nor are the anchors (baseline, best so far).
/// </summary>
/// <param name="Low">Bottom of the window.</param>
/// <param name="High">Top of the window.</param>
/// <param name="Clipped">Indexes of the values left out (drawn at <see cref="ClipEdge"/>).</param>
/// <param name="ClipEdge">The edge the clipped values are drawn on: the window's worse side.</param>
public sealed record MetricWindow(double Low, double High, IReadOnlyList<int> Clipped, double ClipEdge)
{
    /// <summary>Interquartile ranges beyond the worse quartile at which a run counts as blown up (Tukey's "far out" fence).</summary>
    public const double Fences = 3.0;

    /// <summary>Values (finite) and anchors that must stay visible; the objective's direction says which side is worse.</summary>
    public static MetricWindow For(IReadOnlyList<double> values, IReadOnlyList<double> anchors, Direction direction)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(anchors);
        var all = values.Concat(anchors).Where(double.IsFinite).ToList();
        if (all.Count == 0) return new MetricWindow(0, 1, [], 1);
        var minimize = direction == Direction.Minimize;
        var clipped = new List<int>();
        if (values.Count >= 4)
        {
            var sorted = values.Where(double.IsFinite).Order().ToList();
            var q1 = Quantile(sorted, 0.25);
            var q3 = Quantile(sorted, 0.75);
            var iqr = q3 - q1;
            if (iqr <= 0)
            {
                // Half or more of the runs share a value: measure the spread of the others from the median instead.
                var median = Quantile(sorted, 0.5);
                var rest = sorted.Where(v => minimize ? v <= median : v >= median).ToList();
                iqr = Math.Max(rest.Max() - rest.Min(), Math.Abs(median) * 1e-3);
                if (iqr <= 0) iqr = 1e-12;
            }
            var fence = minimize ? q3 + Fences * iqr : q1 - Fences * iqr;
            var anchorWorst = anchors.Where(double.IsFinite).DefaultIfEmpty(minimize ? double.NegativeInfinity : double.PositiveInfinity);
            var limit = minimize ? Math.Max(fence, anchorWorst.Max()) : Math.Min(fence, anchorWorst.Min());
            for (var i = 0; i < values.Count; i++)
            {
                if (double.IsFinite(values[i]) && (minimize ? values[i] > limit : values[i] < limit)) clipped.Add(i);
            }
        }

        var kept = values.Where((v, i) => double.IsFinite(v) && !clipped.Contains(i)).Concat(anchors.Where(double.IsFinite)).ToList();
        var low = kept.Count > 0 ? kept.Min() : all.Min();
        var high = kept.Count > 0 ? kept.Max() : all.Max();
        if (high <= low)
        {
            var pad = Math.Max(Math.Abs(high) * 0.1, 1e-6);
            low -= pad;
            high += pad;
        }
        return new MetricWindow(low, high, clipped, minimize ? high : low);
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(sorted.Count - 1, lower + 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
