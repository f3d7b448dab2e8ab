namespace AutoResearch.Proposers.Numerics;

/// <summary>Standard normal functions, accurate in relative terms far into the tails.</summary>
internal static class Gaussian
{
    private const double LogSqrtTwoPi = 0.91893853320467274178;
    private const double InvSqrtTwoPi = 0.39894228040143267794;

    public static double Pdf(double z) => InvSqrtTwoPi * Math.Exp(-0.5 * z * z);

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrtTwoPi;

    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>Complementary error function, fractional error below 1.2e-7 everywhere (Numerical Recipes erfcc).</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    /// <summary>log(z·Φ(z) + φ(z)), the standardized expected-improvement factor, without underflow.</summary>
    public static double LogImprovementFactor(double z)
    {
        if (z > -6)
        {
            double h = z * Cdf(z) + Pdf(z);
            return Math.Log(Math.Max(h, double.Epsilon));
        }

        // Asymptotic Mills-ratio expansion: zΦ(z) + φ(z) = φ(z)·(1/t² − 3/t⁴ + 15/t⁶ − 105/t⁸ + …), t = −z.
        double inv2 = 1.0 / (z * z);
        double series = inv2 * (1 - inv2 * (3 - inv2 * (15 - inv2 * (105 - inv2 * 945))));
        return LogPdf(z) + Math.Log(series);
    }
}
