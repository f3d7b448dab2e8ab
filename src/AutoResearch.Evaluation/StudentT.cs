namespace AutoResearch.Evaluation;

/// <summary>
/// Student's t distribution: the CDF through the regularized incomplete beta function (continued fraction, Lentz) and the
/// upper quantile by bisection. A pooled noise estimate from a few repeats has few degrees of freedom; the normal
/// distribution would then overstate confidence badly (3 baseline runs: 2 degrees of freedom, t₀.₉₇₅ = 4.30, not 1.96).
/// </summary>
public static class StudentT
{
    /// <summary>P(T ≤ t) for <paramref name="dof"/> degrees of freedom (normal CDF when dof is infinite or above 1e7).</summary>
    public static double Cdf(double t, double dof)
    {
        if (double.IsNaN(t) || !(dof > 0)) return double.NaN;
        if (double.IsPositiveInfinity(t)) return 1;
        if (double.IsNegativeInfinity(t)) return 0;
        if (dof > 1e7) return NormalDistribution.Cdf(t);
        var x = dof / (dof + t * t);
        var tail = 0.5 * RegularizedBeta(x, dof / 2, 0.5);
        return t > 0 ? 1 - tail : tail;
    }

    /// <summary>The upper tail P(T &gt; t), accurate also far in the tail (no 1 − CDF cancellation).</summary>
    public static double UpperTail(double t, double dof)
    {
        if (double.IsNaN(t) || !(dof > 0)) return double.NaN;
        if (dof > 1e7) return NormalDistribution.Cdf(-t);
        if (double.IsPositiveInfinity(t)) return 0;
        if (double.IsNegativeInfinity(t)) return 1;
        var x = dof / (dof + t * t);
        var tail = 0.5 * RegularizedBeta(x, dof / 2, 0.5);
        return t > 0 ? tail : 1 - tail;
    }

    /// <summary>The t with P(T &gt; t) = <paramref name="upperTail"/> (0 &lt; upperTail &lt; 1).</summary>
    public static double UpperQuantile(double upperTail, double dof)
    {
        if (!(upperTail > 0 && upperTail < 1)) throw new ArgumentOutOfRangeException(nameof(upperTail), upperTail, "must be strictly between 0 and 1");
        if (!(dof > 0)) throw new ArgumentOutOfRangeException(nameof(dof), dof, "must be positive");
        double lo = -1, hi = 1;
        while (UpperTail(lo, dof) < upperTail) lo *= 2;
        while (UpperTail(hi, dof) > upperTail && hi < 1e300) hi *= 2;
        for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, Math.Abs(hi)); i++)
        {
            var mid = (lo + hi) / 2;
            if (UpperTail(mid, dof) > upperTail) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>I_x(a, b), the regularized incomplete beta function.</summary>
    internal static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 500; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-15) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; about 15 digits).</summary>
    internal static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        var a = g[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++) a += g[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }
}
