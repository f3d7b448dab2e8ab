namespace AutoResearch.Evaluation;

/// <summary>The standard normal distribution's CDF, Φ(z) = ½·erfc(−z/√2), accurate to about 1e-15.</summary>
public static class NormalDistribution
{
    private const double SeriesLimit = 2.0;
    private const int FractionTerms = 80;

    /// <summary>Φ(z): the probability that a standard normal variable is at most <paramref name="z"/>.</summary>
    public static double Cdf(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        // Computed from the smaller tail so that Φ(z) + Φ(−z) = 1 and tiny tails keep their precision.
        var tail = 0.5 * Erfc(Math.Abs(z) / Math.Sqrt(2));
        return z < 0 ? tail : 1 - tail;
    }

    /// <summary>
    /// The complementary error function for x ≥ 0: below 2 as 1 − erf(x) with erf by its series of positive terms
    /// (erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)), no cancellation); from 2 on by the continued fraction
    /// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (Abramowitz–Stegun 7.1.14), 80 terms evaluated backwards.
    /// </summary>
    internal static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (double.IsPositiveInfinity(x)) return 0;
        if (x < SeriesLimit)
        {
            if (x == 0) return 1;
            var sum = x;
            var term = x;
            for (var n = 0; n < 200 && term > 1e-17 * sum; n++)
            {
                term *= 2 * x * x / (2 * n + 3);
                sum += term;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
        }

        var fraction = x;
        for (var k = FractionTerms; k >= 1; k--)
        {
            fraction = x + k / 2.0 / fraction;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / fraction;
    }
}
