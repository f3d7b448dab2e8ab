namespace AutoResearch.Evaluation;

/// <summary>
/// Run-to-run noise from repeat groups: each group holds the objective values of runs with the same parameters and code but
/// different seeds (the baseline's runs, confirmation runs). The pooled variance is Σ_i Σ_j (x_ij − mean_i)² / Σ_i (n_i − 1).
/// </summary>
public static class NoiseEstimator
{
    /// <summary>The pooled estimate, or null when no group has two runs.</summary>
    public static NoiseEstimate? Pooled(IEnumerable<IReadOnlyList<double>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var squares = 0.0;
        var dof = 0;
        foreach (var group in groups)
        {
            if (group.Count < 2) continue;
            var mean = group.Average();
            squares += group.Sum(x => (x - mean) * (x - mean));
            dof += group.Count - 1;
        }
        return dof == 0 ? null : new NoiseEstimate(Math.Sqrt(squares / dof), dof);
    }
}
