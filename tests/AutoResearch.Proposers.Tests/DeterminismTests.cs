using AutoResearch.Abstractions.Experiments;
using AutoResearch.Bench.Proposers.Synthetic;

namespace AutoResearch.Proposers.Tests;

public sealed class DeterminismTests
{
    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    [InlineData("random")]
    [InlineData("cmaes")]
    [InlineData("portfolio")]
    public async Task SameSeedRoundAndHistory_GiveTheSameProposal(string strategy)
    {
        SyntheticFunction f = SyntheticFunctions.Hartmann6();
        List<Observation> history = await History(f, 12);
        var context = TestSpecs.Context(f.Spec, history, seed: 7, round: 12);

        Proposal a = await TestSpecs.Create(strategy).ProposeAsync(context, default);
        Proposal b = await TestSpecs.Create(strategy).ProposeAsync(context with { History = history.ToList() }, default);
        Proposal other = await TestSpecs.Create(strategy).ProposeAsync(context with { Round = 13 }, default);

        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(a.Hypothesis, b.Hypothesis);
        Assert.NotEqual(a.Parameters, other.Parameters);
    }

    [Fact]
    public async Task WholeRuns_AreReproducible()
    {
        SyntheticFunction f = SyntheticFunctions.Branin();
        double[] first = await OptimizationLoop.RunAsync(TestSpecs.Create("gp"), f, 10, seed: 5);
        double[] second = await OptimizationLoop.RunAsync(TestSpecs.Create("gp"), f, 10, seed: 5);
        Assert.Equal(first, second);
    }

    internal static async Task<List<Observation>> History(SyntheticFunction f, int count, int seed = 99)
    {
        var history = new List<Observation>();
        var random = TestSpecs.Create("random");
        for (int i = 0; i < count; i++)
        {
            Proposal p = await random.ProposeAsync(TestSpecs.Context(f.Spec, history, seed: seed, round: i), default);
            history.Add(new Observation { Parameters = p.Parameters, Objective = f.Evaluate(p.Parameters.ToText()) });
        }

        return history;
    }
}
