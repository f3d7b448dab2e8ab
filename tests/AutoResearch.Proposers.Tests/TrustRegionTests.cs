using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Proposers.Encoding;
using AutoResearch.Proposers.Models;

namespace AutoResearch.Proposers.Tests;

/// <summary>The GP's opt-in TuRBO-style trust region (setting <c>trust_region: 1</c>).</summary>
public sealed class TrustRegionTests
{
    [Fact]
    public void Length_HalvesAfterRunsWithoutImprovement_DoublesAfterAStreakOfImprovements_AndRestarts()
    {
        // Two parameters: failure tolerance max(4, 2) = 4. The first result only sets the best.
        Assert.Equal(TrustRegion.InitialLength, TrustRegion.LengthAfter([1.0], 2));
        Assert.Equal(TrustRegion.InitialLength / 2, TrustRegion.LengthAfter([1.0, 2, 3, null, 1.0], 2));
        Assert.Equal(TrustRegion.InitialLength * 2, TrustRegion.LengthAfter([1.0, 0.9, 0.8, 0.7], 2));
        Assert.Equal(TrustRegion.MaxLength, TrustRegion.LengthAfter([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1], 2));

        // A streak is broken by one run that does not improve: 2 + 2 improvements never double the side.
        Assert.Equal(TrustRegion.InitialLength, TrustRegion.LengthAfter([1.0, 0.9, 0.8, 5, 0.7, 0.6], 2));

        // Seven halvings take 0.8 below 1/128: the region restarts at its initial size.
        double?[] stuck = [1.0, .. Enumerable.Repeat<double?>(2.0, 4 * 7)];
        Assert.Equal(TrustRegion.InitialLength, TrustRegion.LengthAfter(stuck, 2));
        Assert.Equal(TrustRegion.InitialLength / 64, TrustRegion.LengthAfter(stuck[..^4], 2), 12);

        // With the GP's noise estimate as the smallest improvement, steps of 0.01 under noise 0.05 are no successes.
        Assert.Equal(TrustRegion.InitialLength * 2, TrustRegion.LengthAfter([1.0, 0.99, 0.98, 0.97], 2));
        Assert.Equal(TrustRegion.InitialLength / 2, TrustRegion.LengthAfter([1.0, 0.99, 0.98, 0.97, 0.96], 2, noise: 0.05));
        Assert.Equal(TrustRegion.InitialLength * 2, TrustRegion.LengthAfter([1.0, 0.9, 0.8, 0.7], 2, noise: 0.05));

        // More parameters, more patience: 8 parameters wait for 8 runs without improvement.
        Assert.Equal(TrustRegion.InitialLength, TrustRegion.LengthAfter([1.0, 2, 2, 2, 2, 2, 2, 2], 8));
        Assert.Equal(TrustRegion.InitialLength / 2, TrustRegion.LengthAfter([1.0, 2, 2, 2, 2, 2, 2, 2, 2], 8));
    }

    [Fact]
    public void Samples_StayInTheBox_WeightedByLengthScale_AndMostlyKeepTheIncumbentsChoice()
    {
        var space = new ParameterSpace(
        [
            TestSpecs.Float("x", 0, 1),
            TestSpecs.Float("y", 0, 1),
            TestSpecs.Int("n", 1, 64, log: true),
            TestSpecs.Choice("kind", "a", "b", "c", "d"),
        ]);
        double[] center = space.Encode(AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["x"] = "0.5", ["y"] = "0.1", ["n"] = "8", ["kind"] = "c" }));

        // Length scales 0.1, 0.4, 0.2 (geometric mean 0.2): weights 0.5, 2, 1, so half-sides 0.05, 0.2, 0.1 at side 0.2.
        double[] logLengths = new double[space.Dimensions];
        logLengths[space.Parameters[0].Offset] = Math.Log(0.1);
        logLengths[space.Parameters[1].Offset] = Math.Log(0.4);
        logLengths[space.Parameters[2].Offset] = Math.Log(0.2);
        TrustRegion region = TrustRegion.Create(space, center, 0.2, logLengths);
        (double xLow, double xHigh) = region.Bounds(space.Parameters[0]);
        (double yLow, double yHigh) = region.Bounds(space.Parameters[1]);
        Assert.Equal(0.45, xLow, 9);
        Assert.Equal(0.55, xHigh, 9);
        Assert.Equal(0, yLow); // clipped at the bound, not shifted
        Assert.Equal(0.3, yHigh, 9);

        var rng = new Random(5);
        int changed = 0;
        const int draws = 2000;
        for (int i = 0; i < draws; i++)
        {
            double[] s = region.Sample(rng);
            Assert.InRange(s[space.Parameters[0].Offset], xLow, xHigh);
            Assert.InRange(s[space.Parameters[1].Offset], yLow, yHigh);
            Dictionary<string, string> decoded = space.Decode(s).ToText();
            changed += decoded["kind"] == "c" ? 0 : 1;

            // Folding a far-away point brings its numeric coordinates into the box.
            double[] far = space.Sample(rng);
            double[] folded = region.Fold(far);
            Assert.InRange(folded[space.Parameters[0].Offset], xLow, xHigh);
            Assert.InRange(folded[space.Parameters[1].Offset], yLow, yHigh);
        }

        // A choice changes with probability side / 2 = 0.1, to one of the 3 other choices 3/4 of the time: 7.5 %.
        Assert.InRange(changed / (double)draws, 0.05, 0.10);
    }

    [Fact]
    public async Task GpWithTrustRegion_ProposesNearTheBest_AndSaysSo()
    {
        BenchmarkSpec spec = TestSpecs.Benchmark([TestSpecs.Float("x", 0, 1), TestSpecs.Float("y", 0, 1)]);
        var history = new List<Observation>();
        var rng = new Random(3);
        for (int i = 0; i < 9; i++)
        {
            double x = rng.NextDouble();
            double y = rng.NextDouble();
            history.Add(new Observation
            {
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["x"] = TestSpecs.Format(x), ["y"] = TestSpecs.Format(y) }),
                Objective = (x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7),
            });
        }

        // The best came first and the 8 runs after it never improved: the side halves twice (tolerance 4), 0.8 to 0.2.
        Observation best = history.MinBy(o => o.Objective!.Value)!;
        history.Remove(best);
        history.Insert(0, best);

        IProposer gp = TestSpecs.Create("gp");
        foreach (int seed in new[] { 1, 2, 3 })
        {
            Proposal p = await gp.ProposeAsync(TestSpecs.Context(spec, history, seed: seed, settings: new() { ["trust_region"] = "1" }), CancellationToken.None);
            double dx = Math.Abs(TestSpecs.Parse(p.Parameters["x"].Text) - TestSpecs.Parse(best.Parameters["x"].Text));
            double dy = Math.Abs(TestSpecs.Parse(p.Parameters["y"].Text) - TestSpecs.Parse(best.Parameters["y"].Text));

            // Side 0.2 before the length-scale weighting; the two weights multiply to 1, so one half-side is at most 0.1.
            Assert.True(Math.Min(dx, dy) <= 0.1 + 1e-9, $"seed {seed}: proposal {p.Parameters["x"]}, {p.Parameters["y"]} is outside every 0.1 band around the best {best.Parameters["x"]}, {best.Parameters["y"]}");
            Assert.Contains("trust region of side 0.2", p.Hypothesis);
        }

        Proposal global = await gp.ProposeAsync(TestSpecs.Context(spec, history, seed: 1), CancellationToken.None);
        Assert.DoesNotContain("trust region", global.Hypothesis);
    }
}
