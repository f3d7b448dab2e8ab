using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Noise-aware acceptance of a new best, calibrated for a whole campaign (many proposals compared against one best).
/// <para><b>With a usable noise estimate</b> (σ̂ from repeats that are not identical, ν degrees of freedom):</para>
/// <list type="number">
/// <item><b>Screening</b> (the candidate's first run, when confirmation runs are configured): d ≤ 0 → NotBetter;
/// d ≤ <see cref="ScreeningSigmas"/>·se → WithinNoise; else Confirming (the caller queues confirmation runs). No confidence is claimed
/// from the screening run: it was picked because it looked good, so it is biased (winner's curse).</item>
/// <item><b>Test</b> on the fresh confirmation runs only (or on the single run when no confirmation runs are configured): the
/// one-sided t-test of their mean against the best's mean, t = d/se, se = σ̂·√(1/n_c + 1/n_b), p = P(T_ν &gt; t). The k-th test of
/// the campaign is made at level α_k = α/(k(k+1)), α = 1 − Φ(<see cref="NoiseSpec.Sigmas"/>); Σ α_k = α, so the chance that a
/// campaign where nothing really improves accepts anything stays below α however many proposals it judges (Bonferroni with
/// α-spending; the union bound holds because each test's runs are fresh). The reported confidence is 1 − p·k(k+1), the
/// campaign-wide confidence. Accepted when p ≤ α_k (and d reaches a stated minimum improvement).</item>
/// </list>
/// <para><b>Without a usable noise estimate</b> (identical repeats, measurement off or failed) no confidence is claimed: the
/// candidate is Accepted when d ≥ the minimum improvement (<see cref="NoiseSpec.EffectiveMinImprovement"/>), reason
/// <see cref="AcceptanceReason.MinimumImprovement"/>; better by less is WithinNoise. Differences at floating-point rounding level
/// (<see cref="NoiseEstimator.Indistinguishable"/>) are never an improvement.</para>
/// </summary>
public static class AcceptanceJudge
{
    /// <summary>Standard errors a screening run must win by before confirmation runs are spent on it.</summary>
    public const double ScreeningSigmas = 1.0;

    /// <summary>The level of the <paramref name="test"/>-th test (1-based) for a campaign-wide level <paramref name="alpha"/>.</summary>
    public static double TestLevel(double alpha, int test) => alpha / ((double)test * (test + 1));

    /// <summary>The campaign-wide level α = 1 − Φ(Sigmas) (Sigmas 2 → 0.0228).</summary>
    public static double CampaignLevel(NoiseSpec noise) => NormalDistribution.Cdf(-Math.Max(0, noise.Sigmas));

    /// <summary>Judges a candidate against the current best.</summary>
    /// <param name="metric">The objective and its direction.</param>
    /// <param name="noise">The campaign's noise settings (sigmas, confirmation runs, minimum improvement).</param>
    /// <param name="bestMean">Mean objective of the current best over its runs.</param>
    /// <param name="bestRuns">How many runs that mean is over (at least 1).</param>
    /// <param name="estimate">The pooled noise estimate (<see cref="NoiseEstimator"/>); null when none is measured.</param>
    /// <param name="candidateRuns">The candidate's objective values: its first run, then its confirmation runs (finite numbers).</param>
    /// <param name="priorTests">Confidence tests the campaign made before this one.</param>
    /// <param name="confirmationDue">True while confirmation runs may still be queued for a first run (false once the campaign closes).</param>
    /// <exception cref="ArgumentException">No candidate run, a non-finite value, or <paramref name="bestRuns"/> below 1.</exception>
    public static AcceptanceResult Judge(
        MetricSpec metric, NoiseSpec noise, double bestMean, int bestRuns, NoiseEstimate? estimate, IReadOnlyList<double> candidateRuns,
        int priorTests = 0, bool confirmationDue = true)
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
        var spread = SampleStdDev(candidateRuns);
        var d = Improvement(metric, bestMean, mean);
        var minimum = noise.EffectiveMinImprovement;
        var floor = minimum.Threshold(bestMean);

        if (estimate is not { IsUsable: true } usable)
        {
            var verdict = d <= 0 || NoiseEstimator.Indistinguishable(bestMean, mean) ? AcceptanceVerdict.NotBetter
                : d >= floor ? AcceptanceVerdict.Accepted
                : AcceptanceVerdict.WithinNoise;
            return new AcceptanceResult(verdict, AcceptanceReason.MinimumImprovement, null, floor, d, mean, spread);
        }

        var statedFloor = minimum.Stated ? floor : 0;
        var sigma = usable.StdDev;
        var confirmationRuns = Math.Max(0, noise.ConfirmationRuns);
        if (candidateRuns.Count == 1 && confirmationRuns > 0 && confirmationDue)
        {
            var screenMargin = Math.Max(ScreeningSigmas * sigma * Math.Sqrt(1.0 + 1.0 / bestRuns), statedFloor);
            var screened = d <= 0 ? AcceptanceVerdict.NotBetter
                : d > screenMargin ? AcceptanceVerdict.Confirming
                : AcceptanceVerdict.WithinNoise;
            return new AcceptanceResult(screened, AcceptanceReason.Confidence, null, screenMargin, d, mean, spread);
        }

        // The test uses fresh runs only: the first run was the one that got the candidate screened in.
        var fresh = candidateRuns.Count > 1 && confirmationRuns > 0 ? candidateRuns.Skip(1).ToList() : candidateRuns;
        var freshMean = fresh.Average();
        var freshD = Improvement(metric, bestMean, freshMean);
        var test = priorTests + 1;
        var level = TestLevel(CampaignLevel(noise), test);
        var se = sigma * Math.Sqrt(1.0 / fresh.Count + 1.0 / bestRuns);
        var dof = usable.DegreesOfFreedom;
        var p = StudentT.UpperTail(freshD / se, dof);
        var confidence = Math.Clamp(1 - p * test * (test + 1.0), 0, 1);
        var margin = Math.Max(level < 1 ? StudentT.UpperQuantile(level, dof) * se : 0, statedFloor);
        var final = freshD <= 0 || d <= 0 ? AcceptanceVerdict.NotBetter
            : freshD > margin && p <= level ? AcceptanceVerdict.Accepted
            : AcceptanceVerdict.WithinNoise;
        return new AcceptanceResult(final, AcceptanceReason.Confidence, confidence, margin, freshD, mean, spread, Tested: true);
    }

    private static double Improvement(MetricSpec metric, double bestMean, double mean) =>
        metric.Direction == Direction.Minimize ? bestMean - mean : mean - bestMean;

    /// <summary>Sample standard deviation; null under two values.</summary>
    internal static double? SampleStdDev(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
