using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Bench.Proposers.Synthetic;

namespace AutoResearch.Proposers.Tests;

public sealed class GaussianProcessProposerTests
{
    [Fact]
    public async Task Maximize_IsHandled()
    {
        // Negated Branin, maximized: the optimum is −0.397887.
        SyntheticFunction branin = SyntheticFunctions.Branin();
        var negated = new SyntheticFunction("neg-branin",
            branin.Spec with { Metric = new MetricSpec { Name = "score", Direction = Direction.Maximize }, KnownOptimum = -branin.Optimum },
            p => -branin.Evaluate(p));
        var bests = new List<double>();
        foreach (int seed in new[] { 0, 1, 2 })
        {
            double[] trace = await OptimizationLoop.RunAsync(TestSpecs.Create("gp"), negated, 25, seed);
            bests.Add(trace[^1]);
        }

        Assert.True(TestSpecs.Median(bests) > -1.0, $"median best {TestSpecs.Median(bests)}");
    }

    [Fact]
    public async Task FailedRuns_CountAsBad_AndAreAvoided()
    {
        // 1-D: everything above 0.6 fails; successes are a bowl around 0.3.
        var benchmark = TestSpecs.Benchmark([TestSpecs.Float("x", 0, 1)]);
        var history = new List<Observation>();
        for (int i = 0; i < 10; i++)
        {
            double x = 0.05 + 0.1 * i;
            history.Add(new Observation
            {
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x"] = TestSpecs.Format(x) }),
                Objective = x > 0.6 ? null : (x - 0.3) * (x - 0.3),
            });
        }

        for (int round = 0; round < 5; round++)
        {
            Proposal p = await TestSpecs.Create("gp").ProposeAsync(TestSpecs.Context(benchmark, history, seed: 2, round: round), default);
            Assert.InRange(TestSpecs.Parse(p.Parameters["x"].Text), 0.0, 0.6);
        }
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    public async Task AllFailedHistory_StillProposes(string strategy)
    {
        SyntheticFunction f = SyntheticFunctions.Hartmann6();
        List<Observation> history = (await DeterminismTests.History(f, 12)).Select(o => o with { Objective = null }).ToList();
        Proposal p = await TestSpecs.Create(strategy).ProposeAsync(TestSpecs.Context(f.Spec, history, round: 12), default);
        TestSpecs.AssertValid(f.Spec, p, strategy);
        Assert.DoesNotContain(history, o => o.Parameters.SequenceEqual(p.Parameters));
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    public async Task PendingPoint_IsNotProposedAgain(string strategy)
    {
        SyntheticFunction f = SyntheticFunctions.Branin();
        List<Observation> history = await DeterminismTests.History(f, 12);
        var context = TestSpecs.Context(f.Spec, history, seed: 4, round: 12);
        Proposal first = await TestSpecs.Create(strategy).ProposeAsync(context, default);
        Proposal second = await TestSpecs.Create(strategy).ProposeAsync(context with { Pending = [first.Parameters] }, default);

        double dx = (TestSpecs.Parse(first.Parameters["x1"].Text) - TestSpecs.Parse(second.Parameters["x1"].Text)) / 15;
        double dy = (TestSpecs.Parse(first.Parameters["x2"].Text) - TestSpecs.Parse(second.Parameters["x2"].Text)) / 15;
        Assert.True(Math.Sqrt(dx * dx + dy * dy) > 0.01, $"{strategy} proposed {second.Parameters["x1"]},{second.Parameters["x2"]} next to the pending point");
    }

    [Theory]
    [InlineData("gp")]
    [InlineData("tpe")]
    [InlineData("random")]
    public async Task ConcurrentAgents_NeverDuplicate_InADiscreteSpace(string strategy)
    {
        // 3 × 4 × 3 = 36 points; 4 agents take turns, everything proposed stays pending or finishes.
        var benchmark = TestSpecs.Benchmark(
            [TestSpecs.Int("a", 1, 3), TestSpecs.Choice("b", "w", "x", "y", "z"), TestSpecs.Int("c", 0, 2)]);
        var history = new List<Observation>();
        var pending = new List<Dictionary<string, string>>();
        var seen = new HashSet<string>();
        for (int round = 0; round < 24; round++)
        {
            int agent = round % 4;
            var context = TestSpecs.Context(benchmark, history, seed: 100 + agent, round: round / 4, pending: pending);
            Proposal p = await TestSpecs.Create(strategy).ProposeAsync(context, default);
            Assert.True(seen.Add(string.Join(",", p.Parameters.OrderBy(kv => kv.Key))), $"duplicate at round {round}");
            pending.Add(p.Parameters.ToText());
            if (pending.Count > 3)
            {
                Dictionary<string, string> done = pending[0];
                pending.RemoveAt(0);
                double loss = Math.Abs(int.Parse(done["a"]) - 2) + (done["b"] == "y" ? 0 : 1) + int.Parse(done["c"]);
                history.Add(new Observation { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(done), Objective = loss });
            }
        }
    }

    [Fact]
    public async Task Hypothesis_IsOneShortSentence_NamingTheExpectedImprovement()
    {
        SyntheticFunction f = SyntheticFunctions.Hartmann6();
        List<Observation> history = await DeterminismTests.History(f, 10);
        Proposal p = await TestSpecs.Create("gp").ProposeAsync(TestSpecs.Context(f.Spec, history, round: 10), default);
        Assert.StartsWith("EI ", p.Hypothesis, StringComparison.Ordinal);
        Assert.Contains("+2 more", p.Hypothesis, StringComparison.Ordinal);
        Assert.InRange(p.Hypothesis.Length, 20, 200);

        Proposal early = await TestSpecs.Create("gp").ProposeAsync(TestSpecs.Context(f.Spec), default);
        Assert.StartsWith("Space-filling design point", early.Hypothesis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitialDesign_IsSpaceFilling()
    {
        // The first n_init proposals of one agent form a Latin hypercube: one point per fifth of each axis.
        SyntheticFunction f = SyntheticFunctions.Hartmann6();
        var history = new List<Observation>();
        for (int round = 0; round < 5; round++)
        {
            Proposal p = await TestSpecs.Create("gp").ProposeAsync(TestSpecs.Context(f.Spec, history, seed: 8, round: round), default);
            history.Add(new Observation { Parameters = p.Parameters, Objective = f.Evaluate(p.Parameters.ToText()) });
        }

        for (int d = 1; d <= 6; d++)
        {
            var strata = history.Select(o => (int)(TestSpecs.Parse(o.Parameters[$"x{d}"].Text) * 5)).ToHashSet();
            Assert.Equal(5, strata.Count);
        }
    }

    [Fact]
    public async Task ExplorationSetting_ChangesTheProposal()
    {
        SyntheticFunction f = SyntheticFunctions.Branin();
        List<Observation> history = await DeterminismTests.History(f, 15);
        var context = TestSpecs.Context(f.Spec, history, round: 15);
        Proposal greedy = await TestSpecs.Create("gp").ProposeAsync(context, default);
        Proposal explore = await TestSpecs.Create("gp").ProposeAsync(context with { Settings = new Dictionary<string, string> { ["exploration"] = "2" } }, default);
        Assert.NotEqual(greedy.Parameters, explore.Parameters);
    }
}
