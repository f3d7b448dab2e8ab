using AutoResearch.Bench.Proposers.Synthetic;

namespace AutoResearch.Proposers.Tests;

/// <summary>
/// Sample efficiency on standard functions at a fixed budget of 30 evaluations. The assertions compare
/// against random search on the same seeds and would fail for an optimizer that ignores its history.
/// </summary>
public sealed class OptimizerComparisonTests
{
    private const int Budget = 30;

    [Theory]
    [InlineData("branin")]
    [InlineData("hartmann6")]
    public async Task GaussianProcess_BeatsRandomSearch(string function)
    {
        SyntheticFunction f = SyntheticFunctions.ByName(function);
        int[] seeds = [0, 1, 2, 3, 4];
        double[] gp = await Bests("gp", f, seeds);
        double[] random = await Bests("random", f, seeds);

        int wins = seeds.Count(i => gp[i] < random[i]);
        Assert.True(wins >= 4, $"gp won {wins}/5: gp [{string.Join(", ", gp)}] random [{string.Join(", ", random)}]");

        // The median optimality gap must be a small fraction of random search's.
        double gpGap = TestSpecs.Median(gp) - f.Optimum;
        double randomGap = TestSpecs.Median(random) - f.Optimum;
        Assert.True(gpGap < 0.5 * randomGap, $"gp gap {gpGap} vs random gap {randomGap}");
    }

    [Theory]
    [InlineData("branin")]
    [InlineData("hartmann6")]
    public async Task TreeParzen_IsNotWorseThanRandomSearch_OnMedian(string function)
    {
        SyntheticFunction f = SyntheticFunctions.ByName(function);
        int[] seeds = Enumerable.Range(0, 10).ToArray();
        double[] tpe = await Bests("tpe", f, seeds);
        double[] random = await Bests("random", f, seeds);
        Assert.True(TestSpecs.Median(tpe) <= TestSpecs.Median(random),
            $"tpe median {TestSpecs.Median(tpe)} vs random median {TestSpecs.Median(random)}");
    }

    [Fact]
    public async Task GaussianProcess_OptimizesAMixedSpace_WithAChoiceParameter()
    {
        // Maximize; log-float, log-int, int and a 4-way choice; optimum 1 needs activation = gelu.
        SyntheticFunction f = SyntheticFunctions.Mixed();
        int[] seeds = [0, 1, 2];
        double[] gp = await Bests("gp", f, seeds);
        double[] random = await Bests("random", f, seeds);
        Assert.All(gp, v => Assert.True(v > 0.9, $"gp best {v}"));
        Assert.True(TestSpecs.Median(gp) > TestSpecs.Median(random));
    }

    [Fact]
    public async Task TreeParzen_HandlesAMixedSpace_WithAChoiceParameter()
    {
        SyntheticFunction f = SyntheticFunctions.Mixed();
        int[] seeds = Enumerable.Range(0, 5).ToArray();
        double[] tpe = await Bests("tpe", f, seeds);
        double[] random = await Bests("random", f, seeds);
        Assert.True(TestSpecs.Median(tpe) > TestSpecs.Median(random));
    }

    private static async Task<double[]> Bests(string strategy, SyntheticFunction f, int[] seeds)
    {
        var results = new double[seeds.Length];
        for (int i = 0; i < seeds.Length; i++)
        {
            double[] trace = await OptimizationLoop.RunAsync(TestSpecs.Create(strategy), f, Budget, seeds[i]);
            results[i] = trace[^1];
        }

        return results;
    }
}
