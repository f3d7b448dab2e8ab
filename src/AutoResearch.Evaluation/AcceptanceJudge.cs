using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Noise-aware acceptance of a new best. With improvement d (best mean − candidate mean when minimizing, the other way
/// round when maximizing), noise σ and standard error se = σ·√(1/n_c + 1/n_b), the margin is <see cref="NoiseSpec.Sigmas"/>·se:
/// d &gt; margin → Accepted; 0 &lt; d ≤ margin → Confirming while the candidate has fewer than 1 + ConfirmationRuns runs
/// (the caller queues more runs), else WithinNoise; d ≤ 0 → NotBetter. Confidence = Φ(d / se), the normal CDF.
/// Without measured noise (σ null or 0, e.g. a deterministic benchmark) any strictly better mean is Accepted with
/// confidence 1 and margin 0.
/// </summary>
/// <example>
/// Minimizing, best 10.05 over 4 baseline runs, σ = 0.34, Sigmas = 2, ConfirmationRuns = 2:
/// <list type="bullet">
/// <item>candidate 9.7 (one run): se = 0.34·√(1/1 + 1/4) = 0.380, margin = 0.760, d = 0.35 → Confirming, confidence Φ(0.92) ≈ 0.82;</item>
/// <item>its repeats give 10.1 and 10.3, mean 10.033: se = 0.34·√(1/3 + 1/4) = 0.260, margin = 0.519, d = 0.017 → WithinNoise, confidence ≈ 0.53;</item>
/// <item>candidate 8.0 (one run): d = 2.05 &gt; 0.760 → Accepted at once, confidence Φ(5.4) ≈ 1.</item>
/// </list>
/// </example>
public static class AcceptanceJudge
{
    /// <summary>Judges a candidate against the current best.</summary>
    /// <param name="metric">The objective and its direction.</param>
    /// <param name="noise">The campaign's noise settings (<see cref="NoiseSpec.Sigmas"/>, <see cref="NoiseSpec.ConfirmationRuns"/>).</param>
    /// <param name="bestMean">Mean objective of the current best over its runs.</param>
    /// <param name="bestRuns">How many runs that mean is over (at least 1).</param>
    /// <param name="noiseStdDev">Pooled run-to-run standard deviation (<see cref="NoiseEstimator"/>); null or 0 when none is measured.</param>
    /// <param name="candidateRuns">The candidate's objective values: its first run plus its confirmation runs so far (finite numbers).</param>
    /// <exception cref="ArgumentException">No candidate run, a non-finite value, or <paramref name="bestRuns"/> below 1.</exception>
    public static AcceptanceResult Judge(MetricSpec metric, NoiseSpec noise, double bestMean, int bestRuns, double? noiseStdDev, IReadOnlyList<double> candidateRuns)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(candidateRuns);
        if (candidateRuns.Count == 0) throw new ArgumentException("The candidate has no successful run to judge.", nameof(candidateRuns));
        if (bestRuns < 1) throw new ArgumentOutOfRangeException(nameof(bestRuns), bestRuns, "The best has at least one run.");
        if (!double.IsFinite(bestMean)) throw new ArgumentOutOfRangeException(nameof(bestMean), bestMean, "The best's mean objective must be a finite number.");
        foreach (var value in candidateRuns)
        {
            if (!double.IsFinite(value))
                throw new ArgumentException($"The candidate's runs must all be finite numbers, not {value}.", nameof(candidateRuns));
        }

        var mean = candidateRuns.Average();
        double? spread = candidateRuns.Count < 2 ? null : Math.Sqrt(candidateRuns.Sum(v => (v - mean) * (v - mean)) / (candidateRuns.Count - 1));
        var d = metric.Direction == Direction.Minimize ? bestMean - mean : mean - bestMean;
        if (noiseStdDev is not { } sigma || sigma <= 0 || !double.IsFinite(sigma))
        {
            return d > 0
                ? new AcceptanceResult(AcceptanceVerdict.Accepted, 1, 0, d, mean, spread)
                : new AcceptanceResult(AcceptanceVerdict.NotBetter, d == 0 ? 0.5 : 0, 0, d, mean, spread);
        }

        var se = sigma * Math.Sqrt(1.0 / candidateRuns.Count + 1.0 / bestRuns);
        var margin = Math.Max(0, noise.Sigmas) * se;
        var confidence = NormalDistribution.Cdf(d / se);
        AcceptanceVerdict verdict;
        if (d <= 0) verdict = AcceptanceVerdict.NotBetter;
        else if (d > margin) verdict = AcceptanceVerdict.Accepted;
        else if (candidateRuns.Count < 1 + Math.Max(0, noise.ConfirmationRuns)) verdict = AcceptanceVerdict.Confirming;
        else verdict = AcceptanceVerdict.WithinNoise;
        return new AcceptanceResult(verdict, confidence, margin, d, mean, spread);
    }
}
