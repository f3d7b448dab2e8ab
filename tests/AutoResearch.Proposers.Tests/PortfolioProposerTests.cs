using AutoResearch.Abstractions.Experiments;
using AutoResearch.Bench.Proposers.Synthetic;

namespace AutoResearch.Proposers.Tests;

public sealed class PortfolioProposerTests
{
    [Fact]
    public async Task WholeRuns_AreReproducible_ForASeed()
    {
        SyntheticFunction f = SyntheticFunctions.Hartmann6();
        double[] first = await OptimizationLoop.RunAsync(TestSpecs.Create("portfolio"), f, 20, seed: 5);
        double[] second = await OptimizationLoop.RunAsync(TestSpecs.Create("portfolio"), f, 20, seed: 5);
        double[] other = await OptimizationLoop.RunAsync(TestSpecs.Create("portfolio"), f, 20, seed: 6);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Allocation_FavoursTheMemberThatKeepsGaining()
    {
        // cmaes keeps finding new bests; gp, tpe and random keep finding worse points.
        var observations = new List<Observation>();
        var losses = new List<double?>();
        string[] others = ["portfolio:gp", "portfolio:tpe", "portfolio:random"];
        for (int i = 0; i < 24; i++)
        {
            bool gaining = i % 4 == 3;
            losses.Add(gaining ? -i : 100 + i);
            observations.Add(new Observation { Parameters = [], Objective = losses[^1], Proposer = gaining ? "portfolio:cmaes" : others[i % 4 % 3] });
        }

        double[] even = PortfolioProposer.Allocation([], [], new Dictionary<string, string>(), out _);
        double[] shares = PortfolioProposer.Allocation(observations, losses, new Dictionary<string, string>(), out double[] gains);
        int cmaes = PortfolioProposer.MemberOf("cmaes");
        Assert.True(shares[cmaes] > 0.6, $"cmaes gets {shares[cmaes]:P0} (gains {string.Join(", ", gains)})");
        Assert.True(shares[cmaes] > 2 * even[cmaes], $"cmaes {shares[cmaes]:P0}, prior {even[cmaes]:P0}");
        Assert.All(Enumerable.Range(0, shares.Length), m => Assert.True(shares[m] >= 0.02, $"member {m} starves: {shares[m]}"));
        Assert.Equal(1.0, shares.Sum(), 1e-12);
    }

    [Fact]
    public async Task Draws_FollowTheAllocation()
    {
        // A history where only points labelled tpe improved: over many rounds the portfolio draws tpe most.
        SyntheticFunction f = SyntheticFunctions.Branin();
        List<Observation> history = await DeterminismTests.History(f, 16);
        history = history.Select((o, i) => o with { Proposer = i < 6 ? "portfolio:design" : "portfolio:gp" }).ToList();
        var sorted = history.Skip(6).OrderBy(o => o.Objective).ToList();
        // Relabel: the better half of the later points came from tpe, the worse half from gp.
        history = history.Select(o => history.IndexOf(o) >= 6 && sorted.IndexOf(o) < 5 ? o with { Proposer = "tpe" } : o).ToList();
        var counts = new Dictionary<string, int>();
        for (int round = 0; round < 60; round++)
        {
            Proposal p = await TestSpecs.Create("portfolio").ProposeAsync(TestSpecs.Context(f.Spec, history, seed: 1, round: round), default);
            counts[p.ProposerName] = counts.GetValueOrDefault(p.ProposerName) + 1;
        }

        Assert.True(counts.GetValueOrDefault("portfolio:tpe") > counts.GetValueOrDefault("portfolio:gp"), string.Join(", ", counts));
    }

    [Fact]
    public void BadWeights_AreRefused_NamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            PortfolioProposer.Allocation([], [], new Dictionary<string, string> { ["weights"] = "gp=1,bogus=2" }, out _));
        Assert.Contains("weights", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bogus", ex.Message, StringComparison.Ordinal);
    }
}
