namespace AutoResearch.Evaluation;

/// <summary>
/// Run-to-run noise from repeat groups: each group holds the objective values of runs with the same parameters and code but
/// different seeds (the baseline's runs, confirmation runs). The pooled variance is Σ_i Σ_j (x_ij − mean_i)² / Σ_i (n_i − 1).
/// </summary>
public static class NoiseEstimator
{
    /// <summary>
    /// Relative spread below which repeats count as identical: a group whose standard deviation is at most this times the
    /// largest |value| in the group differs only by floating-point rounding (≈ 1e-16 relative) or by printing precision
    /// (a benchmark printing 6-9 significant digits of a deterministic result). Real seed noise is far above 1e-9.
    /// </summary>
    public const double IdenticalRelativeSpread = 1e-9;

    /// <summary>The pooled estimate, or null when no group has two runs.</summary>
    public static NoiseEstimate? Pooled(IEnumerable<IReadOnlyList<double>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var squares = 0.0;
        var dof = 0;
        var runs = 0;
        var identical = true;
        foreach (var group in groups)
        {
            if (group.Count < 2) continue;
            var mean = group.Average();
            var groupSquares = group.Sum(x => (x - mean) * (x - mean));
            squares += groupSquares;
            dof += group.Count - 1;
            runs += group.Count;
            var scale = group.Max(Math.Abs);
            if (Math.Sqrt(groupSquares / (group.Count - 1)) > IdenticalRelativeSpread * scale) identical = false;
        }
        return dof == 0 ? null : new NoiseEstimate(Math.Sqrt(squares / dof), dof, identical) { Runs = runs };
    }

    /// <summary>
    /// Level of the two-sided variance-ratio (F) test that decides whether the baseline's runs share the confirmed
    /// candidates' noise (the conventional 5 %).
    /// </summary>
    public const double SameNoiseLevel = 0.05;

    /// <summary>
    /// The noise a campaign compares candidates with. Noise is rarely the same everywhere: a benchmark's defaults are often
    /// its least stable setting (unscaled features, a step size near divergence), and the settings worth comparing late in a
    /// night are far better and steadier (or, near a cliff, noisier). When the confirmed candidates' repeat groups measure
    /// the noise (not identical) and the baseline's runs differ from them in spread beyond chance (a two-sided F test of the
    /// variance ratio at <see cref="SameNoiseLevel"/>), the estimate comes from the candidates' groups only: the noise where
    /// the comparisons are. Otherwise every group is pooled, the baseline's included, as before: when the noise is the same
    /// everywhere that keeps the most degrees of freedom (and the test its power).
    /// <para>The screening run that got a candidate confirmed is in its group; it was picked for looking good, which widens the
    /// group's spread (the estimate errs large, not small).</para>
    /// </summary>
    /// <param name="baseline">The baseline's runs (its first run and its noise repeats); null or empty when it has none.</param>
    /// <param name="others">Every other repeat group (a candidate and its confirmation runs); groups under two runs are ignored.</param>
    public static NoiseEstimate? ForComparisons(IReadOnlyList<double>? baseline, IEnumerable<IReadOnlyList<double>> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        var candidates = others.Where(g => g.Count >= 2).ToList();
        var all = Pooled(baseline is { Count: >= 2 } ? candidates.Prepend(baseline) : candidates);
        if (Pooled(candidates) is not { IsUsable: true } local) return all;
        if (baseline is not { Count: >= 2 }) return local with { Source = NoiseSource.ConfirmedCandidates };
        var own = Pooled([baseline])!;
        return DifferentSpread(own, local) ? local with { Source = NoiseSource.ConfirmedCandidates } : all;
    }

    /// <summary>Two-sided F test at <see cref="SameNoiseLevel"/>: do the two estimates' variances differ beyond chance?</summary>
    internal static bool DifferentSpread(NoiseEstimate a, NoiseEstimate b)
    {
        var ratio = a.StdDev * a.StdDev / (b.StdDev * b.StdDev);
        var upper = FUpperTail(ratio, a.DegreesOfFreedom, b.DegreesOfFreedom);
        var p = 2 * Math.Min(upper, 1 - upper);
        return p <= SameNoiseLevel;
    }

    /// <summary>P(F &gt; f) for the F distribution with (d1, d2) degrees of freedom.</summary>
    public static double FUpperTail(double f, int d1, int d2) =>
        f <= 0 ? 1 : double.IsPositiveInfinity(f) ? 0 : StudentT.RegularizedBeta(d2 / (d2 + d1 * f), d2 / 2.0, d1 / 2.0);

    /// <summary>True when the values differ by no more than floating-point rounding (see <see cref="IdenticalRelativeSpread"/>).</summary>
    public static bool Indistinguishable(double a, double b) =>
        Math.Abs(a - b) <= IdenticalRelativeSpread * Math.Max(Math.Abs(a), Math.Abs(b));
}
