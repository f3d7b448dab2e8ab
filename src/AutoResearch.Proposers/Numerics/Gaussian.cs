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

    /// <summary>Inverse of <see cref="Cdf"/> for p in (0, 1) (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double Quantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "must lie strictly between 0 and 1");
        }

        const double Low = 0.02425;
        if (p < Low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
        }

        if (p > 1 - Low)
        {
            return -Quantile(1 - p);
        }

        double r = p - 0.5;
        double s = r * r;
        return (((((-3.969683028665376e+01 * s + 2.209460984245205e+02) * s - 2.759285104469687e+02) * s + 1.383577518672690e+02) * s - 3.066479806614716e+01) * s + 2.506628277459239e+00) * r
            / (((((-5.447609879822406e+01 * s + 1.615858368580409e+02) * s - 1.556989798598866e+02) * s + 6.680131188771972e+01) * s - 1.328068155111099e+01) * s + 1);
    }
}
