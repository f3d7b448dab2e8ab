using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Bench.Proposers.Synthetic;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Tests;

public sealed class CmaEsProposerTests
{
    [Fact]
    public async Task Converges_OnAShiftedSphere()
    {
        // 4-D sphere centred off the middle of [-5, 5]^4; the CMA-ES distribution starts at the centre with σ = 1/6 of the range.
        var spec = TestSpecs.Benchmark(Enumerable.Range(1, 4).Select(i => TestSpecs.Float($"x{i}", -5, 5)).ToList());
        double[] centre = [1.5, -2, 0.7, 2.5];
        var sphere = new SyntheticFunction("sphere", spec with { KnownOptimum = 0 }, p =>
            Enumerable.Range(1, 4).Sum(i => Math.Pow(TestSpecs.Parse(p[$"x{i}"]) - centre[i - 1], 2)));
        var bests = new List<double>();
        foreach (int seed in new[] { 0, 1, 2 })
        {
            double[] trace = await OptimizationLoop.RunAsync(TestSpecs.Create("cmaes"), sphere, 150, seed);
            bests.Add(trace[^1]);
        }

        // Random search with 150 draws gets about 4 here; a working CMA-ES gets orders of magnitude closer.
        Assert.True(TestSpecs.Median(bests) < 0.05, $"median best {TestSpecs.Median(bests)}: {string.Join(", ", bests)}");
    }

    [Fact]
    public async Task BeatsRandomSearch_OnRosenbrock()
    {
        SyntheticFunction f = SyntheticFunctions.Rosenbrock(4, -5, 10, "rosenbrock4-std");
        var cma = new List<double>();
        var random = new List<double>();
        foreach (int seed in new[] { 0, 1, 2, 3, 4 })
        {
            cma.Add((await OptimizationLoop.RunAsync(TestSpecs.Create("cmaes"), f, 150, seed))[^1]);
            random.Add((await OptimizationLoop.RunAsync(TestSpecs.Create("random"), f, 150, seed))[^1]);
        }

        Assert.True(TestSpecs.Median(cma) < 0.2 * TestSpecs.Median(random), $"cmaes {TestSpecs.Median(cma)} vs random {TestSpecs.Median(random)}");
    }

    [Fact]
    public void SymmetricEigen_ReconstructsTheMatrix()
    {
        double[] m = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
        (double[] values, double[] vectors) = SymmetricEigen.Decompose(m, 3);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 3; k++)
                {
                    s += vectors[i * 3 + k] * values[k] * vectors[j * 3 + k];
                }

                Assert.Equal(m[i * 3 + j], s, 1e-10);
            }
        }
    }

    [Fact]
    public async Task ChoicesAndInts_StayValid()
    {
        var spec = TestSpecs.Benchmark([TestSpecs.Int("n", 1, 3), TestSpecs.Choice("c", "a", "b"), TestSpecs.Float("x", 0, 1)]);
        var history = new List<Observation>();
        for (int round = 0; round < 12; round++)
        {
            Proposal p = await TestSpecs.Create("cmaes").ProposeAsync(TestSpecs.Context(spec, history, seed: 3, round: round), default);
            TestSpecs.AssertValid(spec, p, "cmaes");
            Assert.DoesNotContain(history, o => o.Parameters.SequenceEqual(p.Parameters));
            history.Add(new Observation { Parameters = p.Parameters, Objective = TestSpecs.Parse(p.Parameters["x"].Text) });
        }
    }
}
