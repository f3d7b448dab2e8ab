using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Bench.Proposers.Synthetic;

namespace AutoResearch.Proposers.Tests;

/// <summary>Boundary seeking and failed regions: what a real training objective asks of the GP.</summary>
public sealed class GaussianProcessSearchTests
{
    /// <summary>A training-run-like space whose optimum is interior on the log scales: lr 1e-3, hidden 64, dropout 0.1.</summary>
    private static SyntheticFunction LogInterior()
    {
        BenchmarkSpec spec = TestSpecs.Benchmark(
        [
            TestSpecs.Float("lr", 1e-5, 1, log: true),
            TestSpecs.Int("hidden", 8, 1024, log: true),
            TestSpecs.Float("dropout", 0, 0.5),
        ]) with { KnownOptimum = 0 };
        return new SyntheticFunction("log-interior", spec, p =>
        {
            double lr = Math.Log10(TestSpecs.Parse(p["lr"])) + 3;
            double hidden = Math.Log2(TestSpecs.Parse(p["hidden"])) - 6;
            double dropout = (TestSpecs.Parse(p["dropout"]) - 0.1) * 4;
            return 0.3 * lr * lr + 0.2 * hidden * hidden + dropout * dropout;
        });
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("portfolio")]
    public async Task FewProposals_LandOnABound_WhenTheOptimumIsInterior(string strategy)
    {
        SyntheticFunction f = LogInterior();
        int proposals = 0;
        int onBound = 0;
        var bests = new List<double>();
        foreach (int seed in new[] { 1, 2 })
        {
            double[] trace = await OptimizationLoop.RunAsync(TestSpecs.Create(strategy), f, 30, seed, onProposal: p =>
            {
                proposals++;
                onBound += OptimizationLoop.OnBound(f.Spec, p.Parameters.ToText()) ? 1 : 0;
            });
            bests.Add(trace[^1]);
        }

        // Before reflecting search steps and moving the prior mean, about a third to a half of GP proposals sat exactly on a bound.
        Assert.True(onBound <= 0.1 * proposals, $"{onBound} of {proposals} proposals on a bound");
        Assert.True(TestSpecs.Median(bests) < 0.1, $"median best {TestSpecs.Median(bests)}");
    }

    [Fact]
    public async Task FailedRegion_IsAvoided_AndTheOptimumAtItsEdgeIsFound()
    {
        // Runs with x + y > 1.2 fail (no objective); the best successful point sits just inside, at (0.55, 0.55).
        BenchmarkSpec spec = TestSpecs.Benchmark([TestSpecs.Float("x", 0, 1), TestSpecs.Float("y", 0, 1)]);
        var history = new List<Observation>();
        int failedAfterDesign = 0;
        IProposer gp = TestSpecs.Create("gp");
        for (int round = 0; round < 30; round++)
        {
            Proposal p = await gp.ProposeAsync(TestSpecs.Context(spec, history, seed: 3, round: round), default);
            double x = TestSpecs.Parse(p.Parameters["x"].Text);
            double y = TestSpecs.Parse(p.Parameters["y"].Text);
            bool fails = x + y > 1.2;
            if (fails && round >= 10)
            {
                failedAfterDesign++;
            }

            history.Add(new Observation
            {
                Parameters = p.Parameters,
                Objective = fails ? null : (x - 0.55) * (x - 0.55) + (y - 0.55) * (y - 0.55),
                Proposer = p.ProposerName,
            });
        }

        double best = history.Where(o => o.Objective.HasValue).Min(o => o.Objective!.Value);
        Assert.True(failedAfterDesign <= 4, $"{failedAfterDesign} of the last 20 proposals were in the failing region");
        Assert.True(best < 0.01, $"best {best}");
        Assert.Contains(history.Skip(10).Select(o => o.Objective), o => o is not null);
    }

    [Fact]
    public async Task Hypothesis_StatesTheFailureRisk_OnceRunsFailed()
    {
        BenchmarkSpec spec = TestSpecs.Benchmark([TestSpecs.Float("x", 0, 1)]);
        var history = Enumerable.Range(0, 8).Select(i => 0.05 + 0.12 * i).Select(x => new Observation
        {
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x"] = TestSpecs.Format(x) }),
            Objective = x > 0.7 ? null : x,
        }).ToList();
        Proposal p = await TestSpecs.Create("gp").ProposeAsync(TestSpecs.Context(spec, history, round: 8), default);
        Assert.Contains("failure risk", p.Hypothesis, StringComparison.Ordinal);
        Assert.InRange(TestSpecs.Parse(p.Parameters["x"].Text), 0, 0.7);
    }
}
