using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

public sealed class AcceptanceJudgeTests
{
    private static readonly MetricSpec Minimize = new() { Name = "loss", Direction = Direction.Minimize };
    private static readonly MetricSpec Maximize = new() { Name = "gflops", Direction = Direction.Maximize };
    private static readonly NoiseSpec Noise = new() { BaselineRuns = 4, ConfirmationRuns = 2, Sigmas = 2 };

    [Fact]
    public void A_fake_improvement_inside_the_band_needs_confirmation_and_then_is_not_accepted()
    {
        var first = AcceptanceJudge.Judge(Minimize, Noise, bestMean: 10.05, bestRuns: 4, noiseStdDev: 0.34, [9.7]);
        Assert.Equal(AcceptanceVerdict.Confirming, first.Verdict);
        Assert.Equal(2 * 0.34 * Math.Sqrt(1.25), first.Margin, 9);
        Assert.Equal(0.35, first.Improvement, 9);
        Assert.InRange(first.Confidence, 0.80, 0.84);

        var confirmed = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, 0.34, [9.7, 10.1, 10.3]);
        Assert.Equal(AcceptanceVerdict.WithinNoise, confirmed.Verdict);
        Assert.Equal(10.0333333333, confirmed.CandidateMean, 6);
        // Deviations from 10.0333: −0.3333, 0.0667, 0.2667 → Σ² = 0.18667 over 2 degrees of freedom.
        Assert.Equal(Math.Sqrt(0.186666666667 / 2), confirmed.CandidateStdDev!.Value, 6);
        Assert.Null(first.CandidateStdDev);
        Assert.Equal(2 * 0.34 * Math.Sqrt(1.0 / 3 + 0.25), confirmed.Margin, 9);
        Assert.True(confirmed.Confidence < first.Confidence);
    }

    [Fact]
    public void A_real_improvement_is_accepted_at_once_or_after_confirmation()
    {
        var clear = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, 0.34, [8.0]);
        Assert.Equal(AcceptanceVerdict.Accepted, clear.Verdict);
        Assert.True(clear.Confidence > 0.9999);

        // 9.6 alone is inside the band (d = 0.45 < 0.76); three runs averaging 9.5 shrink the margin to 0.52 and pass.
        Assert.Equal(AcceptanceVerdict.Confirming, AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, 0.34, [9.6]).Verdict);
        var held = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, 0.34, [9.6, 9.4, 9.5]);
        Assert.Equal(AcceptanceVerdict.Accepted, held.Verdict);
        Assert.Equal(2 * 0.34 * Math.Sqrt(1.0 / 3 + 0.25), held.Margin, 9);
    }

    [Fact]
    public void Direction_is_respected()
    {
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Maximize, Noise, 100, 3, 1, [110]).Verdict);
        Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Maximize, Noise, 100, 3, 1, [90]).Verdict);
        Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Minimize, Noise, 100, 3, 1, [110]).Verdict);
    }

    [Fact]
    public void Without_measured_noise_any_strictly_better_result_is_accepted_with_full_confidence()
    {
        foreach (double? sigma in new double?[] { null, 0 })
        {
            var better = AcceptanceJudge.Judge(Minimize, Noise, 1.0, 1, sigma, [0.999]);
            Assert.Equal(AcceptanceVerdict.Accepted, better.Verdict);
            Assert.Equal(1, better.Confidence);
            Assert.Equal(0, better.Margin);
            Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Minimize, Noise, 1.0, 1, sigma, [1.0]).Verdict);
        }
    }

    [Fact]
    public void Confidence_is_about_97_7_percent_at_two_standard_errors_and_grows_with_the_improvement()
    {
        var se = 0.5 * Math.Sqrt(1.0 / 1 + 1.0 / 1);
        var atTwo = AcceptanceJudge.Judge(Minimize, Noise with { Sigmas = 3 }, 10, 1, 0.5, [10 - 2 * se]);
        Assert.Equal(0.97725, atTwo.Confidence, 4);
        var confidences = new[] { 0.0, 0.2, 0.5, 1.0, 2.0 }.Select(d => AcceptanceJudge.Judge(Minimize, Noise, 10, 1, 0.5, [10 - d]).Confidence).ToList();
        Assert.Equal(confidences.Order(), confidences);
        Assert.Equal(0.5, confidences[0], 6);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        Assert.Contains("no successful run", Assert.Throws<ArgumentException>(() => AcceptanceJudge.Judge(Minimize, Noise, 1, 1, 0.1, [])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AcceptanceJudge.Judge(Minimize, Noise, 1, 0, 0.1, [1]));
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => AcceptanceJudge.Judge(Minimize, Noise, 1, 1, 0.1, [0.5, double.NaN])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AcceptanceJudge.Judge(Minimize, Noise, double.PositiveInfinity, 1, 0.1, [1]));
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1, 0.841344746)]
    [InlineData(-1, 0.158655254)]
    [InlineData(1.959964, 0.975000001)]
    [InlineData(3, 0.998650102)]
    [InlineData(0.5, 0.691462461)]
    [InlineData(2, 0.977249868)]
    [InlineData(-2.5, 0.006209665)]
    [InlineData(-4, 0.000031671)]
    public void Normal_cdf_matches_tables(double z, double expected) =>
        Assert.InRange(NormalDistribution.Cdf(z), expected - 1e-9, expected + 1e-9);

    [Fact]
    public void Normal_cdf_is_symmetric_and_bounded()
    {
        for (var z = -8.0; z <= 8.0; z += 0.25)
        {
            Assert.InRange(NormalDistribution.Cdf(z) + NormalDistribution.Cdf(-z), 1 - 1e-12, 1 + 1e-12);
            Assert.InRange(NormalDistribution.Cdf(z), 0, 1);
        }
        Assert.Equal(1, NormalDistribution.Cdf(double.PositiveInfinity));
        Assert.Equal(0.5, NormalDistribution.Cdf(0));
        // Far tails keep their relative precision: Φ(−8) = 6.22096057e-16, Φ(−20) = 2.75362412e-89.
        Assert.Equal(6.22096057e-16, NormalDistribution.Cdf(-8), 6.22096057e-16 * 1e-8);
        Assert.Equal(2.75362412e-89, NormalDistribution.Cdf(-20), 2.75362412e-89 * 1e-8);
        Assert.Equal(0, NormalDistribution.Cdf(double.NegativeInfinity));
    }
}
