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

    /// <summary>True when the values differ by no more than floating-point rounding (see <see cref="IdenticalRelativeSpread"/>).</summary>
    public static bool Indistinguishable(double a, double b) =>
        Math.Abs(a - b) <= IdenticalRelativeSpread * Math.Max(Math.Abs(a), Math.Abs(b));
}
