namespace AutoResearch.Evaluation.Tests;

public sealed class NoiseEstimatorTests
{
    [Fact]
    public void One_group_gives_its_sample_standard_deviation()
    {
        var estimate = NoiseEstimator.Pooled([[10.0, 10.4, 9.6, 10.2]])!;
        // deviations from 10.05: −0.05, 0.35, −0.45, 0.15 → Σ² = 0.35 over 3 degrees of freedom.
        Assert.Equal(Math.Sqrt(0.35 / 3), estimate.StdDev, 12);
        Assert.Equal(3, estimate.DegreesOfFreedom);
    }

    [Fact]
    public void Groups_are_pooled_around_their_own_means_and_singletons_are_ignored()
    {
        var estimate = NoiseEstimator.Pooled([[1.0, 3.0], [100.0, 104.0, 102.0], [42.0]])!;
        // Σ² = 2 + 8 = 10 over 1 + 2 degrees of freedom: a shift between groups is not noise.
        Assert.Equal(Math.Sqrt(10.0 / 3), estimate.StdDev, 12);
        Assert.Equal(3, estimate.DegreesOfFreedom);
    }

    [Fact]
    public void No_group_with_two_runs_means_no_estimate()
    {
        Assert.Null(NoiseEstimator.Pooled([]));
        Assert.Null(NoiseEstimator.Pooled([[1.0], [2.0]]));
    }

    [Fact]
    public void Identical_or_rounding_level_repeats_are_flagged_and_real_noise_is_not()
    {
        var identical = NoiseEstimator.Pooled([[0.1 + 0.2, 0.3, 0.30000000000000004]])!;
        Assert.True(identical.IdenticalRepeats);
        Assert.InRange(identical.StdDev, 0, 1e-16);
        Assert.False(identical.IsUsable);
        Assert.Equal(3, identical.Runs);

        Assert.True(NoiseEstimator.Pooled([[0.0, 0.0]])!.IdenticalRepeats);
        Assert.True(NoiseEstimator.Pooled([[12345.678901, 12345.678901, 12345.678901]])!.IdenticalRepeats);

        var noisy = NoiseEstimator.Pooled([[0.0834, 0.0841, 0.0829]])!;
        Assert.False(noisy.IdenticalRepeats);
        Assert.True(noisy.IsUsable);

        // One noisy group is enough: the benchmark does use its seed.
        Assert.False(NoiseEstimator.Pooled([[1.0, 1.0, 1.0], [2.0, 2.1]])!.IdenticalRepeats);
    }

    [Fact]
    public void Indistinguishable_values_differ_by_rounding_only()
    {
        Assert.True(NoiseEstimator.Indistinguishable(0.3, 0.1 + 0.2));
        Assert.True(NoiseEstimator.Indistinguishable(0, 0));
        Assert.False(NoiseEstimator.Indistinguishable(0.0834, 0.0834 - 1e-6));
    }

    // sgd-cancer, seed 5 of the whole-campaign bench: the unscaled defaults are unstable, the good settings are not.
    private static readonly double[] NoisyDefaults = [0.08428815401, 0.1476168297, 0.1492314858];
    private static readonly double[] AcceptedBest = [0.03865859339, 0.03514982146, 0.03690420742];
    private static readonly double[] Challenger = [0.02639341717, 0.02814780314, 0.02639341717];

    [Fact]
    public void Comparisons_use_the_confirmed_candidates_noise_when_the_baselines_spread_differs_beyond_chance()
    {
        var local = NoiseEstimator.ForComparisons(NoisyDefaults, [AcceptedBest, Challenger])!;
        Assert.Equal(NoiseSource.ConfirmedCandidates, local.Source);
        Assert.Equal(NoiseEstimator.Pooled([AcceptedBest, Challenger])!.StdDev, local.StdDev, 15);
        Assert.Equal(4, local.DegreesOfFreedom);
        Assert.True(local.StdDev < 0.002, $"σ {local.StdDev}");
        Assert.Equal(NoiseSource.ConfirmedCandidates, NoiseEstimator.ForComparisons(NoisyDefaults, [AcceptedBest])!.Source);

        // The same spread everywhere: every group is pooled (the most degrees of freedom).
        var same = NoiseEstimator.ForComparisons([10.0, 10.3, 9.8], [[5.0, 5.2, 4.9], [4.0, 4.25]])!;
        Assert.Equal(NoiseSource.AllRepeats, same.Source);
        Assert.Equal(NoiseEstimator.Pooled([[10.0, 10.3, 9.8], [5.0, 5.2, 4.9], [4.0, 4.25]])!.StdDev, same.StdDev, 15);
        // A steadier baseline than the candidates (noise grows near a cliff): the candidates' own, larger noise.
        var steadyDefaults = NoiseEstimator.ForComparisons([10.0, 10.0001, 9.9999], [[5.0, 6.5, 3.9], [4.0, 2.1, 5.2]])!;
        Assert.Equal(NoiseSource.ConfirmedCandidates, steadyDefaults.Source);
        Assert.True(steadyDefaults.StdDev > 1, $"σ {steadyDefaults.StdDev}");

        // Candidates whose repeats are identical measure nothing: every group is pooled.
        var identical = NoiseEstimator.ForComparisons(NoisyDefaults, [[0.02, 0.02, 0.02]])!;
        Assert.Equal(NoiseSource.AllRepeats, identical.Source);
        // Without a baseline group the candidates' groups are all there is.
        Assert.Equal(NoiseSource.ConfirmedCandidates, NoiseEstimator.ForComparisons(null, [AcceptedBest])!.Source);
        Assert.Null(NoiseEstimator.ForComparisons(null, [[1.0]]));
    }

    [Theory]
    [InlineData(1.0, 2, 4, 0.5)]
    [InlineData(6.94, 2, 4, 0.05)]
    [InlineData(19.0, 2, 2, 0.05)]
    [InlineData(161.4, 1, 1, 0.05)]
    public void The_F_distributions_upper_tail_matches_tables(double f, int d1, int d2, double tail)
    {
        // Tables' 5 % points: F(2,4) 6.94, F(2,2) 19.0, F(1,1) 161.4; the median of F(2,4) is below 1, so P(F > 1) < 0.5.
        var p = NoiseEstimator.FUpperTail(f, d1, d2);
        if (f == 1.0) Assert.InRange(p, 0.3, tail);
        else Assert.Equal(tail, p, 2);
    }

    [Fact]
    public void Measured_where_the_comparisons_are_a_real_challenger_is_accepted_that_the_defaults_noise_hid()
    {
        var metric = new AutoResearch.Abstractions.Specs.MetricSpec { Name = "cv_error", Direction = AutoResearch.Abstractions.Specs.Direction.Minimize };
        var noise = new AutoResearch.Abstractions.Specs.NoiseSpec { BaselineRuns = 3, ConfirmationRuns = 2 };
        var pooledAll = NoiseEstimator.Pooled([NoisyDefaults, AcceptedBest, Challenger])!;
        var local = NoiseEstimator.ForComparisons(NoisyDefaults, [AcceptedBest, Challenger])!;

        var before = AcceptanceJudge.Judge(metric, noise, AcceptedBest.Average(), 3, pooledAll, Challenger, priorTests: 1);
        var after = AcceptanceJudge.Judge(metric, noise, AcceptedBest.Average(), 3, local, Challenger, priorTests: 1);

        Assert.Equal(AutoResearch.Abstractions.Experiments.AcceptanceVerdict.WithinNoise, before.Verdict);
        Assert.Equal(AutoResearch.Abstractions.Experiments.AcceptanceVerdict.Accepted, after.Verdict);
        Assert.True(after.Confidence >= 0.95, $"confidence {after.Confidence}");
    }
}
