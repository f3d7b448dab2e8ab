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
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(parameters),
        EditedFiles = new() { ["train.py"] = "print('best code')" },
    };

    [Fact]
    public void Reverts_one_changed_parameter_of_the_best_to_its_baseline_value_and_keeps_the_best_code()
    {
        var defaults = Bench.Defaults();
        var best = new Dictionary<string, string>(defaults.ToText()) { ["lr"] = "0.2", ["act"] = "relu" };
        var proposal = new AblationProposer().Propose(TestSpecs.Context(Bench) with { Best = Best(best) });

        Assert.Equal("ablation", proposal.ProposerName);
        Assert.Equal(defaults["lr"], proposal.Parameters["lr"]);
        Assert.Equal("relu", proposal.Parameters["act"].Text);
        Assert.Equal(best["layers"], proposal.Parameters["layers"].Text);
        Assert.Equal("print('best code')", proposal.EditedFiles["train.py"]);
        Assert.Contains("revert lr 0.2", proposal.Hypothesis);
    }

    [Fact]
    public void Skips_ablations_already_tried_or_pending_then_falls_back_to_random_search()
    {
        var defaults = Bench.Defaults();
        var best = new Dictionary<string, string>(defaults.ToText()) { ["lr"] = "0.2", ["act"] = "relu" };
        var lrReverted = new Dictionary<string, string>(best) { ["lr"] = defaults["lr"].Text };
        var actReverted = new Dictionary<string, string>(best) { ["act"] = defaults["act"].Text };

        var second = new AblationProposer().Propose(TestSpecs.Context(Bench, history: [new Observation { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(lrReverted), Objective = 1 }]) with { Best = Best(best) });
        Assert.Equal(defaults["act"], second.Parameters["act"]);
        Assert.Equal("0.2", second.Parameters["lr"].Text);

        var fallback = new AblationProposer().Propose(
            TestSpecs.Context(Bench, history: [new Observation { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(lrReverted), Objective = 1 }], pending: [actReverted]) with { Best = Best(best) });
        Assert.StartsWith("Every change of the best has been ablated.", fallback.Hypothesis);
        Assert.Equal("ablation", fallback.ProposerName);
        TestSpecs.AssertValid(Bench, fallback, "ablation");
    }

    [Fact]
    public void Without_a_best_it_samples_at_random()
    {
        var proposal = new AblationProposer().Propose(TestSpecs.Context(Bench));
        Assert.StartsWith("No best to ablate yet.", proposal.Hypothesis);
        TestSpecs.AssertValid(Bench, proposal, "ablation");
    }
}
