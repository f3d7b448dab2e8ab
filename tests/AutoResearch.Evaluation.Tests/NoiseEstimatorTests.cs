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
}
