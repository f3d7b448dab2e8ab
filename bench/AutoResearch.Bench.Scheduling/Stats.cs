using System.Globalization;

namespace AutoResearch.Bench.Scheduling;

internal static class Stats
{
    /// <summary>"mean 0.123, median 0.120, p90 0.150, max 0.300 s (n=39)"; "—" when empty.</summary>
    public static string Describe(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return "—";
        var sorted = values.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"mean {sorted.Average():F3}, median {Quantile(sorted, 0.5):F3}, p90 {Quantile(sorted, 0.9):F3}, max {sorted[^1]:F3} s (n={sorted.Length})");
    }

    public static double Quantile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
