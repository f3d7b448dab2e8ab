using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Models.Research;
using AutoResearch.Testing.OpenAi;

namespace AutoResearch.Models.Tests;

/// <summary>The research loop of an llm agent through the real client: propose, validate, repair once, reject, fall back, reflect.</summary>
public sealed class LlmProposerTests
{
    private const string GoodEdit = """
        ```json
        {"hypothesis": "A longer second-moment memory (beta2 0.99) and a higher learning rate lower val_bpb", "rationale": "The model is small; steadier Adam steps allow a higher rate.", "expected_effect": "val_bpb down by about 0.05", "parameters": {"lr": 0.002, "n_layer": 3}}
        ```
        train.py
        <<<<<<< SEARCH
                lr=params["lr"], betas=(0.9, 0.95))
        =======
                lr=params["lr"], betas=(0.9, 0.99))
        >>>>>>> REPLACE
        """;

    private static AgentSpec Agent(params string[] failover) => new()
    {
        Id = "llm-1",
        Role = "researcher",
        Proposer = "llm",
        Model = "model-a",
        Failover = [.. failover],
        Settings = new() { ["fallback"] = "tpe" },
    };

    private static ProposalContext Context(BenchmarkSpec benchmark, int round = 0, long? tokensLeft = null) => new()
    {
        Benchmark = benchmark,
        History = [],
        Seed = 7,
        Round = round,
        CampaignId = "camp",
        AgentId = "llm-1",
        ExperimentId = $"camp-{round:0000}",
        TokensLeft = tokensLeft,
        BudgetLeft = "5000 tokens",
    };

    [Fact]
    public async Task A_valid_answer_becomes_a_proposal_with_the_edited_file_its_diff_merged_parameters_and_exact_tokens()
    {
        await using var h = await ModelHarness.StartAsync();
        var benchmark = Repo.Benchmark("tiny-lm");
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(GoodEdit, promptTokens: 2100, completionTokens: 180));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(benchmark), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal(("llm", ProposalOrigin.Model), (proposal.ProposerName, proposal.Origin));
        Assert.Equal(2280, proposal.Tokens);
        Assert.StartsWith("A longer second-moment memory", proposal.Hypothesis);
        Assert.Equal("The model is small; steadier Adam steps allow a higher rate.", proposal.Rationale);
        Assert.Equal(("0.002", "3", "64"), (proposal.Parameters["lr"].Text, proposal.Parameters["n_layer"].Text, proposal.Parameters["d_model"].Text));
        Assert.Contains("betas=(0.9, 0.99)", proposal.EditedFiles["train.py"]);
        Assert.DoesNotContain("betas=(0.9, 0.95)", proposal.EditedFiles["train.py"]);
        Assert.Contains("--- a/train.py", proposal.Diff ?? "");
        Assert.Contains("+        lr=params[\"lr\"], betas=(0.9, 0.99))", proposal.Diff);
        Assert.Equal("model-a (gpt-a)", proposal.Model);

        var prompt = Assert.Single(h.Server.Requests).Messages[^1].Content ?? "";
        Assert.Contains(await File.ReadAllTextAsync(Path.Combine(benchmark.Directory, "program.md")), prompt.Replace("\r\n", "\n"));
        Assert.Contains("def make_optimizer", prompt);
        Assert.Contains("5000 tokens", prompt);
        Assert.Equal(2280, (await h.Ledger.GetModelCallsAsync("camp")).Sum(c => c.TotalTokens));
    }

    [Fact]
    public async Task Malformed_output_gets_one_repair_round_that_names_the_problem()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("I think we should raise the learning rate.", 900, 20), ScriptedReply.Text(GoodEdit, 1000, 180));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(Repo.Benchmark("tiny-lm")), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal(900 + 20 + 1000 + 180, proposal.Tokens);
        var repair = h.Server.Requests[1].Messages;
        Assert.Equal("assistant", repair[^2].Role);
        Assert.Contains("no JSON object", repair[^1].Content);
        Assert.Equal(["propose", "repair"], (await h.Ledger.GetModelCallsAsync("camp")).OrderBy(c => c.At).Select(c => c.Purpose));
    }

    [Fact]
    public async Task Output_that_is_still_malformed_after_the_repair_is_rejected_with_the_reason()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("{\"hypothesis\": \"x\", \"parameters\": [1, 2]}", 50, 10), ScriptedReply.Text("```json\n{\"hypothesis\": }\n```", 60, 10));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(Repo.Benchmark("tiny-lm")), CancellationToken.None);

        Assert.NotNull(proposal.Rejection);
        Assert.Contains("after one repair round", proposal.Rejection);
        Assert.Contains("not valid JSON", proposal.Rejection);
        Assert.Contains("\"parameters\" must be an object", proposal.Rejection);
        Assert.Equal(130, proposal.Tokens);
        Assert.Equal(2, h.Server.Requests.Count);
    }

    [Theory]
    [InlineData("model.py", "not editable")]
    [InlineData("../train.py", "..")]
    [InlineData("/etc/passwd", "absolute")]
    public async Task An_edit_outside_the_editable_files_is_sent_back_once_and_then_rejected(string path, string expected)
    {
        await using var h = await ModelHarness.StartAsync();
        var bad = $$$"""
            ```json
            {"hypothesis": "h", "parameters": {}}
            ```
            {{{path}}}
            <<<<<<< SEARCH
            import json
            =======
            import os
            >>>>>>> REPLACE
            """;
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(bad, 10, 10), ScriptedReply.Text(bad, 10, 10));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(Repo.Benchmark("tiny-lm")), CancellationToken.None);

        Assert.Contains(expected, h.Server.Requests[1].Messages[^1].Content, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(proposal.Rejection);
        Assert.Contains(expected, proposal.Rejection, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(proposal.EditedFiles);
    }

    [Fact]
    public async Task When_no_model_answers_the_built_in_optimizer_proposes_and_says_so_once_until_a_model_is_back()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 0, extra: new() { ["AutoResearch:Models:Cooldown"] = "00:00:00" });
        var benchmark = Repo.Benchmark("tiny-lm");
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(500, "down"), ScriptedReply.Status(500, "down"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Status(503, "down"), ScriptedReply.Status(503, "down"));
        var proposer = h.Proposers.Create(Agent("model-b"));

        var first = await proposer.ProposeAsync(Context(benchmark, 0), CancellationToken.None);
        var second = await proposer.ProposeAsync(Context(benchmark, 1), CancellationToken.None);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(GoodEdit, 10, 10));
        var third = await proposer.ProposeAsync(Context(benchmark, 2), CancellationToken.None);

        Assert.Equal(("tpe (fallback)", "tpe (fallback)", "llm"), (first.ProposerName, second.ProposerName, third.ProposerName));
        Assert.Equal((ProposalOrigin.Fallback, ProposalOrigin.Fallback, ProposalOrigin.Model), (first.Origin, second.Origin, third.Origin));
        Assert.Null(first.Rejection);
        Assert.Null(ProposalValidator.Validate(benchmark, first));
        Assert.Contains("No model answered", first.Notice);
        Assert.Contains("model-a: HTTP 500", first.Notice);
        Assert.Contains("model-b: HTTP 503", first.Notice);
        Assert.Null(second.Notice);
        Assert.Contains("answers again", third.Notice);
    }

    [Fact]
    public async Task The_reflection_is_written_by_the_model_from_the_result_and_costs_its_tokens()
    {
        await using var h = await ModelHarness.StartAsync();
        var benchmark = Repo.Benchmark("tiny-lm");
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(GoodEdit, 100, 10), ScriptedReply.Text("Beta2 0.99 helped a little; try 0.995 next.", 300, 12));
        var proposer = h.Proposers.Create(Agent());
        var proposal = await proposer.ProposeAsync(Context(benchmark), CancellationToken.None);
        var finished = new ExperimentRecord
        {
            Id = "camp-0000",
            CampaignId = "camp",
            AgentId = "llm-1",
            Sequence = 5,
            ProposerName = proposal.ProposerName,
            Origin = proposal.Origin,
            Parameters = proposal.Parameters,
            Diff = proposal.Diff,
            Hypothesis = proposal.Hypothesis,
            Kind = ExperimentKind.Proposal,
            Status = ExperimentStatus.Succeeded,
            Objective = 2.31,
            QueuedAt = DateTimeOffset.UtcNow,
        };

        var reflection = await ((IReflector)proposer).ReflectAsync(new ReflectionContext
        {
            Benchmark = benchmark,
            Experiment = finished,
            CampaignId = "camp",
            AgentId = "llm-1",
        }, CancellationToken.None);

        Assert.Equal(new Reflection("Beta2 0.99 helped a little; try 0.995 next.", 312), reflection);
        var asked = h.Server.Requests[1].Messages[^1].Content ?? "";
        Assert.Contains("val_bpb = 2.31", asked);
        Assert.Contains("The model is small", asked);
        Assert.Contains("betas=(0.9, 0.99)", asked);
    }

    [Fact]
    public async Task The_factory_refuses_agents_whose_endpoints_cannot_be_used_and_reserves_tokens_for_a_whole_experiment()
    {
        await using var h = await ModelHarness.StartAsync(contextTokens: 4000);
        Assert.Contains("'nowhere' is not configured", h.Proposers.WhyNotUsable(Agent() with { Model = "nowhere" }));
        Assert.Contains("fallback 'llm'", h.Proposers.WhyNotUsable(Agent() with { Settings = new() { ["fallback"] = "llm" } }));
        Assert.Null(h.Proposers.WhyNotUsable(Agent("model-b")));
        Assert.Null(h.Proposers.WhyNotUsable(new AgentSpec { Id = "gp-1", Role = "explorer", Proposer = "gp" }));
        // Before any prompt is measured: the window's room (4000 - 1024) + the answer, a repair round up to the window, a reflection.
        Assert.Equal(2976 + 1024 + 4000 + 3512, h.Proposers.Create(Agent()).MaxTokensPerExperiment);
        Assert.Contains(LlmSettings.StrategyName, h.Proposers.Strategies);
    }

    [Fact]
    public async Task A_proposal_call_that_does_not_fit_the_tokens_left_is_refused_unsent_and_the_fallback_proposes()
    {
        await using var h = await ModelHarness.StartAsync();
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(Repo.Benchmark("tiny-lm"), tokensLeft: 500), CancellationToken.None);

        Assert.Empty(h.Server.Requests);
        Assert.Equal("tpe (fallback)", proposal.ProposerName);
        Assert.Contains("does not fit this experiment's token reservation", proposal.Notice);
        Assert.Equal(0, proposal.Tokens);
        Assert.Equal("refused", Assert.Single(await h.Ledger.GetModelCallsAsync("camp")).Outcome);
    }

    [Fact]
    public async Task Prose_around_a_parameters_only_answer_and_thinking_before_it_are_not_taken_for_edits()
    {
        await using var h = await ModelHarness.StartAsync();
        const string answer = """
            <think>Maybe edit train.py:
            train.py
            <<<<<<< SEARCH
            import json
            =======
            import os
            >>>>>>> REPLACE
            No, only the learning rate.</think>
            Here is my proposal:
            ```
            {"hypothesis": "A larger learning rate converges faster", "parameters": {"lr": 0.003}}
            ```
            This should help within the time budget.
            """;
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(answer, 100, 20));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(Repo.Benchmark("tiny-lm")), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal("0.003", proposal.Parameters["lr"].Text);
        Assert.Empty(proposal.EditedFiles);
        Assert.Single(h.Server.Requests);
    }

    [Fact]
    public async Task A_failover_is_noted_once_and_shown_as_a_model_problem_while_it_lasts()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 0);
        var benchmark = Repo.Benchmark("tiny-lm");
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(500, "down"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text(GoodEdit, 10, 10), ScriptedReply.Text(GoodEdit, 10, 10));
        var proposer = h.Proposers.Create(Agent("model-b"));

        var first = await proposer.ProposeAsync(Context(benchmark, 0), CancellationToken.None);
        var second = await proposer.ProposeAsync(Context(benchmark, 1), CancellationToken.None);

        Assert.Contains("Failing over to model model-b", first.Notice);
        Assert.Contains("model-a: HTTP 500", first.ModelProblem);
        Assert.Null(second.Notice);
        Assert.Contains("model-a: skipped", second.ModelProblem);
        Assert.Equal("model-b (gpt-b)", second.Model);
    }
}
