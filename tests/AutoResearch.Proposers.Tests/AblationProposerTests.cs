using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Proposers.Tests;

public sealed class AblationProposerTests
{
    private static readonly Abstractions.Specs.BenchmarkSpec Bench = TestSpecs.Benchmark(
    [
        TestSpecs.Float("lr", 0.001, 1, log: true),
        TestSpecs.Int("layers", 1, 8),
        TestSpecs.Choice("act", "tanh", "relu"),
    ]);

    private static LeaderboardEntry Best(Dictionary<string, string> parameters) => new()
    {
        CampaignId = "c",
        Index = 1,
        ExperimentId = "c/0007",
        Sequence = 7,
        AgentId = "gp-1",
        Objective = 0.5,
        AcceptedAt = DateTimeOffset.UnixEpoch,
        Parameters = parameters,
        EditedFiles = new() { ["train.py"] = "print('best code')" },
    };

    [Fact]
    public void Reverts_one_changed_parameter_of_the_best_to_its_baseline_value_and_keeps_the_best_code()
    {
        var defaults = Bench.Defaults();
        var best = new Dictionary<string, string>(defaults) { ["lr"] = "0.2", ["act"] = "relu" };
        var proposal = new AblationProposer().Propose(TestSpecs.Context(Bench) with { Best = Best(best) });

        Assert.Equal("ablation", proposal.ProposerName);
        Assert.Equal(defaults["lr"], proposal.Parameters["lr"]);
        Assert.Equal("relu", proposal.Parameters["act"]);
        Assert.Equal(best["layers"], proposal.Parameters["layers"]);
        Assert.Equal("print('best code')", proposal.EditedFiles["train.py"]);
        Assert.Contains("revert lr 0.2", proposal.Hypothesis);
    }

    [Fact]
    public void Skips_ablations_already_tried_or_pending_then_falls_back_to_random_search()
    {
        var defaults = Bench.Defaults();
        var best = new Dictionary<string, string>(defaults) { ["lr"] = "0.2", ["act"] = "relu" };
        var lrReverted = new Dictionary<string, string>(best) { ["lr"] = defaults["lr"] };
        var actReverted = new Dictionary<string, string>(best) { ["act"] = defaults["act"] };

        var second = new AblationProposer().Propose(TestSpecs.Context(Bench, history: [new Observation { Parameters = lrReverted, Objective = 1 }]) with { Best = Best(best) });
        Assert.Equal(defaults["act"], second.Parameters["act"]);
        Assert.Equal("0.2", second.Parameters["lr"]);

        var fallback = new AblationProposer().Propose(
            TestSpecs.Context(Bench, history: [new Observation { Parameters = lrReverted, Objective = 1 }], pending: [actReverted]) with { Best = Best(best) });
        Assert.StartsWith("Every change of the best has been ablated.", fallback.Hypothesis);
        Assert.Equal("ablation", fallback.ProposerName);
        TestSpecs.AssertValid(Bench, fallback, "ablation");
    }

    [Fact]
    public void Without_a_best_it_yields_its_turn_to_the_portfolio_or_to_random_search_when_set()
    {
        var proposal = new AblationProposer().Propose(TestSpecs.Context(Bench));
        Assert.StartsWith("No best to ablate yet.", proposal.Hypothesis);
        Assert.Contains("Space-filling design point", proposal.Hypothesis);
        Assert.Equal("ablation", proposal.ProposerName);
        TestSpecs.AssertValid(Bench, proposal, "ablation");

        var random = new AblationProposer().Propose(TestSpecs.Context(Bench, settings: new() { ["fallback"] = "random" }));
        Assert.StartsWith("No best to ablate yet. Random sample at", random.Hypothesis);
        TestSpecs.AssertValid(Bench, random, "ablation");
    }

    [Fact]
    public void With_nothing_left_to_ablate_the_portfolio_proposes_from_the_shared_history()
    {
        // The best is a single change of the baseline: its one ablation is the baseline, already run.
        var defaults = Bench.Defaults();
        var best = new Dictionary<string, string>(defaults) { ["lr"] = "0.2" };
        var rng = new Random(5);
        var history = Enumerable.Range(0, 8).Select(i => new Observation
        {
            Parameters = new Dictionary<string, string>(defaults)
            {
                ["lr"] = (0.001 * Math.Pow(1000, rng.NextDouble())).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["layers"] = rng.Next(1, 9).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Objective = rng.NextDouble(),
            Proposer = "portfolio:gp",
        }).Append(new Observation { Parameters = defaults, Objective = 1 }).ToList();
        var proposal = new AblationProposer().Propose(TestSpecs.Context(Bench, history: history) with { Best = Best(best) });
        Assert.StartsWith("Every change of the best has been ablated.", proposal.Hypothesis);
        Assert.Contains("[portfolio drew", proposal.Hypothesis);
        Assert.Equal("ablation", proposal.ProposerName);
        TestSpecs.AssertValid(Bench, proposal, "ablation");
    }

    [Fact]
    public void A_bad_fallback_is_refused_naming_the_setting()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new AblationProposer().Propose(TestSpecs.Context(Bench, settings: new() { ["fallback"] = "gp" })));
        Assert.Contains("fallback", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'gp'", ex.Message, StringComparison.Ordinal);
    }
}
