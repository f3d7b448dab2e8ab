using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Noise-aware acceptance of a new best. With improvement d (best mean − candidate mean when minimizing), noise σ and
/// standard error se = σ·√(1/n_c + 1/n_b), the margin is <see cref="NoiseSpec.Sigmas"/>·se:
/// d > margin → Accepted; 0 &lt; d ≤ margin → Confirming while the candidate has fewer than 1 + ConfirmationRuns runs,
/// else WithinNoise; d ≤ 0 → NotBetter. Confidence = Φ(d / se).
/// Example: best 10.05 over 4 runs, σ = 0.34, candidate 9.7 in one run: se = 0.34·√1.25 = 0.38, margin (2σ) = 0.76,
/// d = 0.35 → Confirming with confidence Φ(0.92) ≈ 0.82. A candidate at 8.0 (d = 2.05) is Accepted with confidence ≈ 1.
/// Without measured noise (σ null or 0) any strictly better mean is Accepted with confidence 1.
/// </summary>
public static class AcceptanceJudge
{
    public static AcceptanceResult Judge(MetricSpec metric, NoiseSpec noise, double bestMean, int bestRuns, double? noiseStdDev, IReadOnlyList<double> candidateRuns)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(candidateRuns);
        if (candidateRuns.Count == 0) throw new ArgumentException("The candidate has no successful run to judge.", nameof(candidateRuns));
        if (bestRuns < 1) throw new ArgumentOutOfRangeException(nameof(bestRuns), bestRuns, "The best has at least one run.");

        var mean = candidateRuns.Average();
        var d = metric.Direction == Direction.Minimize ? bestMean - mean : mean - bestMean;
        if (noiseStdDev is not { } sigma || sigma <= 0 || !double.IsFinite(sigma))
        {
            return d > 0
                ? new AcceptanceResult(AcceptanceVerdict.Accepted, 1, 0, d, mean)
                : new AcceptanceResult(AcceptanceVerdict.NotBetter, d == 0 ? 0.5 : 0, 0, d, mean);
        }

        var se = sigma * Math.Sqrt(1.0 / candidateRuns.Count + 1.0 / bestRuns);
        var margin = Math.Max(0, noise.Sigmas) * se;
        var confidence = NormalDistribution.Cdf(d / se);
        AcceptanceVerdict verdict;
        if (d <= 0) verdict = AcceptanceVerdict.NotBetter;
        else if (d > margin) verdict = AcceptanceVerdict.Accepted;
        else if (candidateRuns.Count < 1 + Math.Max(0, noise.ConfirmationRuns)) verdict = AcceptanceVerdict.Confirming;
        else verdict = AcceptanceVerdict.WithinNoise;
        return new AcceptanceResult(verdict, confidence, margin, d, mean);
    }
}
