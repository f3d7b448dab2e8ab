using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Models.Research;
using AutoResearch.Testing.OpenAi;

namespace AutoResearch.Models.Tests;

/// <summary>The token plan of an llm agent's experiment: measured prompt + answer (+ repair, + reflection), and budgets that cannot pay for one call refused with the arithmetic.</summary>
public sealed class TokenPlanTests
{
    private const string Answer = """{"hypothesis": "Lower lr", "rationale": "r", "expected_effect": "e", "parameters": {"lr": 0.0005}, "edits": ""}""";

    private static AgentSpec Agent(long tokens = 0) => new()
    {
        Id = "llm-1", Role = "researcher", Proposer = "llm", Model = "model-a", TokenBudget = tokens, Settings = new() { ["fallback"] = "tpe" },
    };

    private static ProposalContext Context(long? tokensLeft = null) => new()
    {
        Benchmark = Repo.Benchmark("tiny-lm"), History = [], Seed = 1, Round = 0, CampaignId = "camp", AgentId = "llm-1", ExperimentId = "camp-0001", TokensLeft = tokensLeft,
    };

    [Fact]
    public async Task After_a_proposal_the_reservation_is_the_measured_prompt_plus_the_answer_repair_and_reflection_not_context_windows()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(Answer, promptTokens: 1200, completionTokens: 40));
        var proposer = (LlmProposer)h.Proposers.Create(Agent());
        var before = proposer.Plan;

        await proposer.ProposeAsync(Context(), CancellationToken.None);

        var sent = Assert.Single(h.Server.Requests).Messages.Select(m => new ModelMessage(m.Role == "system" ? ModelRole.System : ModelRole.User, m.Content ?? "")).ToList();
        var measured = Math.Max(TokenEstimator.Estimate(sent), 1200);
        var plan = proposer.Plan;
        Assert.Equal(("the context window's room, until measured", 16384 - 1024), (before.Basis, before.Prompt));
        Assert.Equal("measured", plan.Basis);
        Assert.Equal(measured + measured / 10 + 400, plan.Prompt);
        Assert.Equal(plan.Prompt + 1024 + 128 + 1024, plan.Repair);
        Assert.Equal(3000 + 512, plan.Reflection);
        Assert.Equal(plan.Prompt + 1024 + plan.Repair + plan.Reflection, proposer.MaxTokensPerExperiment);
        Assert.True(proposer.MaxTokensPerExperiment < 2.5 * 16384 / 2, $"reserves {proposer.MaxTokensPerExperiment}");
        Assert.Contains("= " + plan.OneExperiment.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " tokens", plan.Describe());
        // What status shows as the agent's reservation per experiment.
        Assert.Equal(plan.Describe(), ((IProposer)proposer).DescribeTokenPlan());
    }

    [Fact]
    public async Task A_budget_smaller_than_a_window_still_gets_calls_its_prompt_cut_to_fit_the_reservation()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(Answer, 900, 40));
        var proposer = h.Proposers.Create(Agent(tokens: 9_000));

        Assert.Equal(9_000, proposer.MaxTokensPerExperiment);
        Assert.EndsWith("capped at the token budget 9,000", proposer.DescribeTokenPlan());
        var proposal = await proposer.ProposeAsync(Context(tokensLeft: 9_000), CancellationToken.None);

        Assert.Equal("llm", proposal.ProposerName);
        Assert.Null(proposal.Rejection);
        var request = Assert.Single(h.Server.Requests);
        var sent = request.Messages.Select(m => new ModelMessage(m.Role == "system" ? ModelRole.System : ModelRole.User, m.Content ?? "")).ToList();
        Assert.True(TokenEstimator.Estimate(sent) + 1024 <= 9_000);
        Assert.Contains("def make_optimizer", request.LastUserMessage);
    }

    [Fact]
    public async Task A_token_budget_that_cannot_pay_for_one_call_is_refused_with_the_arithmetic()
    {
        await using var h = await ModelHarness.StartAsync();
        var factory = Assert.IsType<ModelProposerFactory>(h.Proposers);

        var tooSmall = h.Proposers.WhyNotUsable(Agent(tokens: 1_000));
        var forBenchmark = factory.WhyNotAffordable(Agent(), Repo.Benchmark("tiny-lm"), 2_000);

        Assert.NotNull(tooSmall);
        Assert.Contains("agent 'llm-1': a token budget of 1,000 cannot pay for a single model call", tooSmall);
        Assert.Contains("answer up to 1,024", tooSmall);
        Assert.Contains("One experiment may cost proposal", tooSmall);
        Assert.Contains("benchmark tiny-lm's prompt before any history", forBenchmark);
        Assert.Null(h.Proposers.WhyNotUsable(Agent(tokens: 9_000)));
        Assert.Null(factory.WhyNotAffordable(Agent(), Repo.Benchmark("tiny-lm"), 1_000_000));
        Assert.Null(factory.WhyNotAffordable(new AgentSpec { Id = "gp-1", Role = "explorer", Proposer = "gp" }, Repo.Benchmark("tiny-lm"), 10));
        var plan = factory.PlanFor(Agent(), Repo.Benchmark("tiny-lm"))!;
        Assert.Equal("for this benchmark with a full history", plan.Basis);
        Assert.InRange(plan.Prompt, 500, 16384 - 1024);
    }
}
