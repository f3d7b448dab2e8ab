using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers.Models;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Tests;

/// <summary>Output warping of the GP's targets, the inverse normal CDF, and the design phase's count of distinct points.</summary>
public sealed class OutputWarpAndDesignTests
{
    [Theory]
    [InlineData(1e-6)]
    [InlineData(0.01)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.77)]
    [InlineData(0.999)]
    public void Quantile_InvertsTheCdf(double p) =>
        Assert.True(Math.Abs(Gaussian.Cdf(Gaussian.Quantile(p)) / p - 1) < 1e-5, $"Φ(Φ⁻¹({p})) = {Gaussian.Cdf(Gaussian.Quantile(p))}");

    [Fact]
    public void TailWarp_KeepsTheOrderAndTheGoodHalfLinear_AndCompressesACliff()
    {
        // Good runs 0.02..0.06, two classifiers at chance (0.9), one failure.
        double?[] losses = [0.05, 0.02, 0.9, 0.04, null, 0.03, 0.06, 0.9, 0.035];
        List<double?> warped = ObjectiveTransform.TailCompressed(losses);

        Assert.Null(warped[4]);
        int[] ok = Enumerable.Range(0, losses.Length).Where(i => losses[i].HasValue).ToArray();
        foreach (int i in ok)
        {
            foreach (int j in ok)
            {
                if (losses[i] < losses[j])
                {
                    Assert.True(warped[i] < warped[j], $"order of {losses[i]} and {losses[j]} lost");
                }
            }
        }

        // Linear below the median (0.04): equal steps stay equal.
        Assert.Equal(warped[5]!.Value - warped[1]!.Value, warped[3]!.Value - warped[5]!.Value, 9);

        // Unwarped, the cliff above the median is 43 times the good half's range (0.86 vs 0.02); compressed, under 5 times.
        double gap = warped[2]!.Value - warped[3]!.Value;
        double goodRange = warped[3]!.Value - warped[1]!.Value;
        Assert.True(gap < 5 * goodRange, $"cliff gap {gap} vs good range {goodRange}: not compressed");
    }

    [Fact]
    public void LogWarp_MakesEqualRatiosEqualSteps_AndShortensACliff()
    {
        // Error rates: good runs 0.01..0.04, one classifier at chance (0.9), one failure.
        double?[] losses = [0.02, 0.01, 0.9, 0.04, null, 0.03];
        ObjectiveTransform log = ObjectiveTransform.Create(losses, 0.75, OutputWarp.Log);
        ObjectiveTransform none = ObjectiveTransform.Create(losses, 0.75, OutputWarp.None);

        Assert.True(log.IsLogarithmic);
        Assert.False(none.IsLogarithmic);
        double[] t = log.Targets;
        // 0.01 → 0.02 and 0.02 → 0.04 are the same relative step, so the same step in the targets.
        Assert.Equal(t[0] - t[1], t[3] - t[0], 9);

        // The cliff (0.04 → 0.9) against the good runs' range (0.01 → 0.04): 28.7 times in the losses, at most
        // ln 22.5 / ln 4 = 2.2 times in logs (less once the outlier cap applies).
        Assert.True((t[2] - t[3]) / (t[3] - t[1]) < 2.3, $"log cliff ratio {(t[2] - t[3]) / (t[3] - t[1])}");
        Assert.True(t[2] > t[3]);

        // The failure is imputed at the worst result, as without the warp.
        Assert.Equal(t[2], t[4], 12);

        // A noise spread converts back at the best loss: one standardized unit is Scale log units, about Scale · 0.01 in the loss.
        Assert.Equal(log.Scale * 0.01, log.ToLossUnits(1), 12);
        Assert.Equal(none.Scale, none.ToLossUnits(1), 12);
    }

    [Fact]
    public void LogWarp_LeavesLossesThatAreNotAllPositiveAsTheyAre()
    {
        // A negated accuracy (or a shifted synthetic function) has no natural zero: the warp does nothing.
        double?[] losses = [-0.9, -0.95, null, -0.5, 0.1];
        ObjectiveTransform log = ObjectiveTransform.Create(losses, 0.75, OutputWarp.Log);
        ObjectiveTransform none = ObjectiveTransform.Create(losses, 0.75, OutputWarp.None);
        Assert.False(log.IsLogarithmic);
        Assert.Equal(none.Targets, log.Targets);
        Assert.Equal(none.Scale, log.Scale);
        Assert.Null(ObjectiveTransform.Logarithms([0.5, 0.0, 0.2]));
        Assert.Equal(OutputWarp.Log, GaussianProcessProposer.Warp(new Dictionary<string, string> { ["output_warp"] = "log" }));
    }

    [Fact]
    public void RankWarp_GivesNormalScores_TiesShared()
    {
        List<double?> z = ObjectiveTransform.NormalScores([3.0, 1.0, null, 2.0, 2.0]);
        Assert.Null(z[2]);
        Assert.Equal(z[3], z[4]);
        Assert.True(z[1] < z[3] && z[3] < z[0]);
        Assert.Equal(0, z[3]!.Value, 9);
    }

    [Fact]
    public void BadOutputWarp_IsRefused_NamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => GaussianProcessProposer.Warp(new Dictionary<string, string> { ["output_warp"] = "cubic" }));
        Assert.Contains("output_warp", ex.Message);
    }

    [Theory]
    [InlineData("portfolio")]
    [InlineData("gp")]
    [InlineData("tpe")]
    public async Task RepeatedBaselineRuns_DoNotCountAsDesignPoints(string strategy)
    {
        // Five parameters: a design of six distinct points. Three runs of the same baseline are one point, so the next
        // proposals are still design points (before: the repeats counted and the models took over after two).
        var benchmark = TestSpecs.Benchmark([
            TestSpecs.Float("a", 0, 1), TestSpecs.Float("b", 1e-3, 1, log: true), TestSpecs.Int("c", 1, 64, log: true),
            TestSpecs.Choice("d", "x", "y", "z"), TestSpecs.Float("e", -1, 1)]);
        var baseline = benchmark.Parameters.ToDictionary(p => p.Name, p => p.Default);
        var history = new List<Observation>
        {
            new() { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(baseline), Objective = 0.5 },
            new() { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(baseline), Objective = 0.52 },
            new() { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(baseline), Objective = 0.49 },
        };
        IProposer proposer = TestSpecs.Create(strategy);
        for (int round = 0; round < 3; round++)
        {
            Proposal p = await proposer.ProposeAsync(TestSpecs.Context(benchmark, history, seed: 3, round: round), default);
            Assert.Contains("design point", p.Hypothesis, StringComparison.OrdinalIgnoreCase);
            history.Add(new Observation { Parameters = p.Parameters, Objective = 0.4 + 0.01 * round, Proposer = p.ProposerName });
        }
    }
}
