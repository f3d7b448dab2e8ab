using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Tests;

public sealed class ProposalValidityTests
{
    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    [InlineData("random")]
    [InlineData("cmaes")]
    [InlineData("portfolio")]
    public async Task Proposals_AreValid_ForRandomSpecsAndMessyHistories(string strategy)
    {
        var proposer = TestSpecs.Create(strategy);
        var rng = new Random(42);
        for (int trial = 0; trial < 30; trial++)
        {
            BenchmarkSpec benchmark = TestSpecs.RandomBenchmark(rng);
            var history = new List<Observation>();
            int size = rng.Next(0, 16);
            for (int i = 0; i < size; i++)
            {
                Proposal sample = await TestSpecs.Create("random").ProposeAsync(TestSpecs.Context(benchmark, history, seed: trial, round: i), default);
                Dictionary<string, string> values = sample.Parameters.ToText();
                if (rng.Next(6) == 0)
                {
                    // Garbage, out-of-range and missing values must not break encoding.
                    string key = benchmark.Parameters[rng.Next(benchmark.Parameters.Count)].Name;
                    switch (rng.Next(3))
                    {
                        case 0: values[key] = "not-a-number"; break;
                        case 1: values[key] = "1e300"; break;
                        default: values.Remove(key); break;
                    }
                }

                double? objective = rng.Next(5) == 0 ? null : rng.Next(10) == 0 ? double.NaN : rng.NextDouble() * 10 - 5;
                history.Add(new Observation { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(values), Objective = objective });
            }

            var pending = history.Take(rng.Next(0, 3)).Select(o => new Dictionary<string, string>(o.Parameters.ToText())).ToList();
            var context = TestSpecs.Context(benchmark, history, seed: trial, round: size, pending: pending);
            Proposal proposal = await proposer.ProposeAsync(context, default);
            TestSpecs.AssertValid(benchmark, proposal, strategy);
        }
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    [InlineData("random")]
    [InlineData("cmaes")]
    [InlineData("portfolio")]
    public async Task Proposals_StayValid_ThroughARun_WithLogIntsAndChoices(string strategy)
    {
        var benchmark = TestSpecs.Benchmark(
        [
            TestSpecs.Float("lr", 1e-5, 1, log: true),
            TestSpecs.Int("hidden", 1, 512, log: true),
            TestSpecs.Int("layers", 1, 3),
            TestSpecs.Choice("act", "relu", "tanh", "gelu"),
        ]);
        var proposer = TestSpecs.Create(strategy);
        var history = new List<Observation>();
        for (int round = 0; round < 15; round++)
        {
            Proposal p = await proposer.ProposeAsync(TestSpecs.Context(benchmark, history, seed: 3, round: round), default);
            TestSpecs.AssertValid(benchmark, p, strategy);
            double loss = Math.Abs(Math.Log10(TestSpecs.Parse(p.Parameters["lr"].Text)) + 2) + (p.Parameters["act"].Text == "gelu" ? 0 : 1);
            history.Add(new Observation { Parameters = p.Parameters, Objective = loss });
        }
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    [InlineData("random")]
    [InlineData("cmaes")]
    [InlineData("portfolio")]
    public async Task NoParameters_GivesAnEmptyAssignment(string strategy)
    {
        var benchmark = TestSpecs.Benchmark([]);
        Proposal p = await TestSpecs.Create(strategy).ProposeAsync(TestSpecs.Context(benchmark), default);
        Assert.Empty(p.Parameters);
        Assert.Equal(strategy, p.ProposerName);
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    [InlineData("random")]
    [InlineData("cmaes")]
    [InlineData("portfolio")]
    public async Task Cancellation_IsObserved(string strategy)
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var context = TestSpecs.Context(TestSpecs.Benchmark([TestSpecs.Float("x", 0, 1)]));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestSpecs.Create(strategy).ProposeAsync(context, cts.Token));
    }
}
