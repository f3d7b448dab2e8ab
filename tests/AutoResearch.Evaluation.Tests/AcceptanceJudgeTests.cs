using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

public sealed class AcceptanceJudgeTests
{
    private static readonly MetricSpec Minimize = new() { Name = "loss", Direction = Direction.Minimize };
    private static readonly MetricSpec Maximize = new() { Name = "gflops", Direction = Direction.Maximize };
    private static readonly NoiseSpec Noise = new() { BaselineRuns = 4, ConfirmationRuns = 2, Sigmas = 2 };

    private static readonly NoiseEstimate Measured = new(0.34, 3) { Runs = 4 };

    [Fact]
    public void A_first_run_only_screens_and_a_fake_improvement_fails_its_test_on_fresh_runs()
    {
        var first = AcceptanceJudge.Judge(Minimize, Noise, bestMean: 10.05, bestRuns: 4, Measured, [9.6]);
        Assert.Equal(AcceptanceVerdict.Confirming, first.Verdict);
        Assert.Equal(AcceptanceReason.Confidence, first.Reason);
        Assert.Null(first.Confidence);
        Assert.False(first.Tested);
        Assert.Equal(AcceptanceJudge.ScreeningSigmas * 0.34 * Math.Sqrt(1.25), first.Margin, 9);
        Assert.Equal(0.45, first.Improvement, 9);

        // Inside the screening margin: not worth confirmation runs.
        Assert.Equal(AcceptanceVerdict.WithinNoise, AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, Measured, [9.8]).Verdict);

        var confirmed = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, Measured, [9.6, 10.1, 10.3]);
        Assert.Equal(AcceptanceVerdict.NotBetter, confirmed.Verdict);
        Assert.True(confirmed.Tested);
        Assert.Equal(10.0, confirmed.CandidateMean, 9);
        Assert.Equal(Math.Sqrt(0.26 / 2), confirmed.CandidateStdDev!.Value, 9);
        // The test uses the fresh runs only: 10.2 against 10.05.
        Assert.Equal(-0.15, confirmed.Improvement, 9);
    }

    [Fact]
    public void A_real_improvement_is_accepted_on_its_fresh_runs_with_a_t_test_corrected_for_earlier_tests()
    {
        var held = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, Measured, [8.0, 8.1, 7.9]);
        Assert.Equal(AcceptanceVerdict.Accepted, held.Verdict);
        Assert.True(held.Tested);
        // se = 0.34·√(1/2 + 1/4); test 1 is made at level α/2 with α = 1 − Φ(2); t quantile with 3 degrees of freedom.
        var se = 0.34 * Math.Sqrt(0.5 + 0.25);
        var level = (1 - NormalDistribution.Cdf(2)) / 2;
        Assert.Equal(StudentT.UpperQuantile(level, 3) * se, held.Margin, 9);
        Assert.Equal(1 - 2 * StudentT.UpperTail(2.05 / se, 3), held.Confidence!.Value, 9);

        // The same runs as the 30th test of the campaign face a much wider margin and are not enough.
        var late = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, Measured, [9.4, 9.4, 9.4], priorTests: 29);
        Assert.Equal(AcceptanceVerdict.WithinNoise, late.Verdict);
        Assert.True(late.Margin > held.Margin * 2, $"margin {late.Margin} vs {held.Margin}");
        Assert.True(late.Confidence < 0.95, $"confidence {late.Confidence}");
        var early = AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, Measured, [9.4, 9.4, 9.4]);
        Assert.True(early.Confidence > late.Confidence);
    }

    [Fact]
    public void Without_confirmation_runs_the_single_run_is_tested_at_once()
    {
        var noConfirmation = Noise with { ConfirmationRuns = 0 };
        var clear = AcceptanceJudge.Judge(Minimize, noConfirmation, 10.05, 4, Measured, [7.0]);
        Assert.Equal(AcceptanceVerdict.Accepted, clear.Verdict);
        Assert.True(clear.Tested);
        var worse = AcceptanceJudge.Judge(Minimize, noConfirmation, 10.05, 4, Measured, [10.5]);
        Assert.Equal(AcceptanceVerdict.NotBetter, worse.Verdict);
        Assert.True(worse.Tested);
        // When the campaign closes a first run is tested as it is.
        Assert.True(AcceptanceJudge.Judge(Minimize, Noise, 10.05, 4, Measured, [7.0], confirmationDue: false).Tested);
    }

    [Fact]
    public void Direction_is_respected()
    {
        var measured = new NoiseEstimate(1, 5);
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Maximize, Noise, 100, 3, measured, [110, 111, 109]).Verdict);
        Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Maximize, Noise, 100, 3, measured, [90]).Verdict);
        Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Minimize, Noise, 100, 3, measured, [110]).Verdict);
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Maximize, Noise, 100, 3, null, [102]).Verdict);
        Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Maximize, Noise, 100, 3, null, [98]).Verdict);
    }

    [Fact]
    public void Identical_repeats_claim_no_confidence_and_a_tiny_gain_is_not_accepted()
    {
        // A benchmark that ignores AR_SEED: four bit-identical baseline runs; σ is 0 (or rounding, ~1e-17).
        var estimate = NoiseEstimator.Pooled([[0.0834, 0.0834, 0.0834, 0.0834]])!;
        Assert.True(estimate.IdenticalRepeats);
        Assert.False(estimate.IsUsable);

        var tiny = AcceptanceJudge.Judge(Minimize, Noise, 0.0834, 4, estimate, [0.0834 - 1e-6]);
        Assert.Equal(AcceptanceVerdict.WithinNoise, tiny.Verdict);
        Assert.Equal(AcceptanceReason.MinimumImprovement, tiny.Reason);
        Assert.Null(tiny.Confidence);
        Assert.Equal(0.01 * 0.0834, tiny.Margin, 12);

        var real = AcceptanceJudge.Judge(Minimize, Noise, 0.0834, 4, estimate, [0.0800]);
        Assert.Equal(AcceptanceVerdict.Accepted, real.Verdict);
        Assert.Equal(AcceptanceReason.MinimumImprovement, real.Reason);
        Assert.Null(real.Confidence);

        // A stated absolute minimum improvement replaces the 1 % default.
        var stated = Noise with { MinImprovement = new MinImprovement { Value = 0.005, Relative = false, Stated = true } };
        Assert.Equal(AcceptanceVerdict.WithinNoise, AcceptanceJudge.Judge(Minimize, stated, 0.0834, 4, estimate, [0.0800]).Verdict);
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Minimize, stated, 0.0834, 4, estimate, [0.0780]).Verdict);
    }

    [Fact]
    public void Without_measured_noise_the_minimum_improvement_decides_and_rounding_differences_are_no_improvement()
    {
        foreach (var estimate in new NoiseEstimate?[] { null, new NoiseEstimate(0, 3) })
        {
            var better = AcceptanceJudge.Judge(Minimize, Noise, 1.0, 1, estimate, [0.98]);
            Assert.Equal(AcceptanceVerdict.Accepted, better.Verdict);
            Assert.Equal(AcceptanceReason.MinimumImprovement, better.Reason);
            Assert.Null(better.Confidence);
            Assert.Equal(0.01, better.Margin, 12);
            Assert.Equal(AcceptanceVerdict.WithinNoise, AcceptanceJudge.Judge(Minimize, Noise, 1.0, 1, estimate, [0.995]).Verdict);
            Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Minimize, Noise, 1.0, 1, estimate, [1.0]).Verdict);
        }

        // Measurement off (the campaign declares the benchmark deterministic): any strictly better result, beyond rounding.
        Assert.Equal(MinImprovement.None, NoiseSpec.Off.EffectiveMinImprovement);
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Minimize, NoiseSpec.Off, 1.0, 1, null, [0.999999]).Verdict);
        var anyGain = Noise with { MinImprovement = new MinImprovement { Value = 0, Relative = false, Stated = true } };
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Minimize, anyGain, 1.0, 1, null, [0.999999]).Verdict);
        Assert.Equal(AcceptanceVerdict.NotBetter, AcceptanceJudge.Judge(Minimize, anyGain, 1.0, 1, null, [1.0 - 1e-15]).Verdict);
    }

    [Fact]
    public void A_stated_minimum_improvement_is_also_a_floor_when_noise_is_measured()
    {
        var measured = new NoiseEstimate(0.01, 10);
        var floor = Noise with { MinImprovement = new MinImprovement { Value = 0.05, Relative = true, Stated = true } };
        // Far beyond the noise (0.3 = 30 σ) but below 5 % of 10 = 0.5.
        var small = AcceptanceJudge.Judge(Minimize, floor, 10, 4, measured, [9.7, 9.7, 9.7]);
        Assert.Equal(AcceptanceVerdict.WithinNoise, small.Verdict);
        Assert.Equal(0.5, small.Margin, 9);
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Minimize, floor, 10, 4, measured, [9.4, 9.4, 9.4]).Verdict);
        // The default is no floor when noise is measured.
        Assert.Equal(AcceptanceVerdict.Accepted, AcceptanceJudge.Judge(Minimize, Noise, 10, 4, measured, [9.7, 9.7, 9.7]).Verdict);
    }

    [Theory]
    [InlineData(1, 0.975, 12.7062047)]
    [InlineData(2, 0.975, 4.30265273)]
    [InlineData(5, 0.99, 3.36493)]
    [InlineData(30, 0.95, 1.69726)]
    public void Student_t_quantiles_match_tables(double dof, double cdf, double t)
    {
        Assert.Equal(t, StudentT.UpperQuantile(1 - cdf, dof), 4);
        Assert.Equal(cdf, StudentT.Cdf(t, dof), 6);
        Assert.Equal(1 - cdf, StudentT.UpperTail(t, dof), 6);
    }

    [Fact]
    public void Student_t_tends_to_the_normal_and_is_symmetric()
    {
        Assert.Equal(NormalDistribution.Cdf(1.5), StudentT.Cdf(1.5, 1e6), 5);
        Assert.Equal(0.5, StudentT.Cdf(0, 3), 12);
        Assert.Equal(1, StudentT.Cdf(2, 4) + StudentT.Cdf(-2, 4), 12);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        Assert.Contains("no successful run", Assert.Throws<ArgumentException>(() => AcceptanceJudge.Judge(Minimize, Noise, 1, 1, Measured, [])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AcceptanceJudge.Judge(Minimize, Noise, 1, 0, Measured, [1]));
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => AcceptanceJudge.Judge(Minimize, Noise, 1, 1, Measured, [0.5, double.NaN])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AcceptanceJudge.Judge(Minimize, Noise, double.PositiveInfinity, 1, Measured, [1]));
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
