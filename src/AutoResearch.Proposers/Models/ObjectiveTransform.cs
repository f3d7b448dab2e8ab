namespace AutoResearch.Proposers.Models;

/// <summary>
/// Turns losses (lower is better) into scaled GP targets: extreme outliers are capped at Q3 + 3·IQR so one diverged
/// run cannot flatten the model, the scale is the standard deviation, and the zero of the targets (the GP's prior mean)
/// is the <paramref name="priorQuantile"/> quantile of the results rather than their mean: a region the model knows
/// nothing about is expected to be as good as a typical-to-poor result, not an average one, so that corners and
/// bounds far from every observation do not look promising merely because they are uncertain.
/// Null losses (failed runs) count as the worst loss seen; the GP proposer also weights EI by a feasibility estimate.
/// </summary>
internal sealed class ObjectiveTransform
{
    private ObjectiveTransform(double[] targets, double scale)
    {
        Targets = targets;
        Scale = scale;
    }

    /// <summary>Scaled targets, unit variance, zero at the prior mean.</summary>
    public double[] Targets { get; }

    /// <summary>Objective units per standardized unit.</summary>
    public double Scale { get; }

    public static ObjectiveTransform Create(IReadOnlyList<double?> losses, double priorQuantile = -1)
    {
        double[] ok = losses.Where(l => l.HasValue).Select(l => l!.Value).Order().ToArray();
        double cap = double.PositiveInfinity;
        if (ok.Length >= 4)
        {
            double q1 = Quantile(ok, 0.25);
            double q3 = Quantile(ok, 0.75);
            if (q3 > q1)
            {
                cap = q3 + 3 * (q3 - q1);
            }
        }

        double worst = ok.Length > 0 ? Math.Min(ok[^1], cap) : 0;
        double[] y = losses.Select(l => l.HasValue ? Math.Min(l.Value, cap) : worst).ToArray();
        double mean = y.Average();
        double sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / y.Length);
        if (!(sd > 1e-12 * Math.Max(1, Math.Abs(mean))))
        {
            sd = 1;
        }

        double centre = priorQuantile is >= 0 and <= 1 ? Quantile(y.Order().ToArray(), priorQuantile) : mean;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (y[i] - centre) / sd;
        }

        return new ObjectiveTransform(y, sd);
    }

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
