using System.Text.Json;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Models.Research;
using AutoResearch.Testing.OpenAi;

namespace AutoResearch.Models.Tests;

/// <summary>Structured answers through the real client: json_schema first, a required tool when refused, the prompt alone last; remembered per endpoint.</summary>
public sealed class StructuredOutputTests
{
    private const string SchemaAnswer = """
        {"hypothesis": "A higher learning rate converges faster", "rationale": "Loss still falls steeply at the end.", "expected_effect": "val_bpb down 0.02",
         "parameters": {"lr": 0.003, "d_model": null, "n_layer": null, "n_head": null, "dropout": null, "batch_size": null, "seq_len": null, "weight_decay": null, "warmup_frac": null},
         "edits": "train.py\n<<<<<<< SEARCH\nimport json\n=======\nimport json  # structured\n>>>>>>> REPLACE\n"}
        """;

    private static AgentSpec Agent(string model = "model-a") => new()
    {
        Id = "llm-1",
        Role = "researcher",
        Proposer = "llm",
        Model = model,
        Settings = new() { ["fallback"] = "tpe" },
    };

    private static ProposalContext Context(int round = 0) => new()
    {
        Benchmark = Repo.Benchmark("tiny-lm"),
        History = [],
        Seed = 7,
        Round = round,
        CampaignId = "camp",
        AgentId = "llm-1",
        ExperimentId = $"camp-{round:0000}",
    };

    private static IStructuredModelGateway Structured(ModelHarness h) => Assert.IsAssignableFrom<IStructuredModelGateway>(h.Gateway);

    [Fact]
    public async Task The_proposal_schema_is_sent_as_a_strict_json_schema_and_a_bare_json_answer_with_edits_inside_is_used()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(SchemaAnswer, 1500, 120));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal(("0.003", "64"), (proposal.Parameters["lr"].Text, proposal.Parameters["d_model"].Text));
        Assert.Contains("import json  # structured", proposal.EditedFiles["train.py"]);
        var request = Assert.Single(h.Server.Requests);
        Assert.Equal("json_schema", request.ResponseFormatType);
        Assert.Empty(request.Tools);
        using var format = JsonDocument.Parse(request.ResponseFormatJson!);
        var spec = format.RootElement.GetProperty("json_schema");
        Assert.Equal("propose_experiment", spec.GetProperty("name").GetString());
        Assert.True(spec.GetProperty("strict").GetBoolean());
        var schema = spec.GetProperty("schema");
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["hypothesis", "rationale", "expected_effect", "parameters", "edits"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var parameters = schema.GetProperty("properties").GetProperty("parameters");
        Assert.Equal(9, parameters.GetProperty("required").GetArrayLength());
        Assert.Equal("[\"integer\",\"null\"]", parameters.GetProperty("properties").GetProperty("d_model").GetProperty("type").GetRawText());
        Assert.Contains("\"8\"", parameters.GetProperty("properties").GetProperty("n_head").GetProperty("enum").GetRawText());
        var stats = Assert.Single(Structured(h).AnswerStats, s => s.Endpoint == "model-a");
        Assert.Equal(("json_schema", 1, 0), (stats.StructuredOutput, stats.Answers, stats.Rejected));
    }

    [Fact]
    public async Task A_server_that_refuses_json_schema_is_asked_with_a_required_tool_at_once_and_remembered()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.Responder = r => r.ResponseFormatType is not null
            ? ScriptedReply.Status(400, "response_format.type 'json_schema' is not supported by this server")
            : ScriptedReply.ToolCall("propose_experiment",
                """{"hypothesis": "Wider model", "rationale": "capacity", "expected_effect": "lower loss", "parameters": {"d_model": 96, "lr": null}, "edits": ""}""", 900, 60);
        var proposer = h.Proposers.Create(Agent());

        var first = await proposer.ProposeAsync(Context(0), CancellationToken.None);
        var second = await proposer.ProposeAsync(Context(1), CancellationToken.None);

        Assert.Null(first.Rejection);
        Assert.Null(second.Rejection);
        Assert.Equal("96", first.Parameters["d_model"].Text);
        Assert.Equal("0.001", first.Parameters["lr"].Text);
        var requests = h.Server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal("json_schema", requests[0].ResponseFormatType);
        foreach (var withTool in requests.Skip(1))
        {
            Assert.Null(withTool.ResponseFormatType);
            var tool = Assert.Single(withTool.Tools);
            Assert.Equal("propose_experiment", tool.Name);
            Assert.Contains("\"hypothesis\"", tool.ParametersJson);
            Assert.Equal("required", withTool.ToolChoice);
        }
        Assert.Equal("tool call", Assert.Single(Structured(h).AnswerStats, s => s.Endpoint == "model-a").StructuredOutput);
        var calls = (await h.Ledger.GetModelCallsAsync("camp")).OrderBy(c => c.At).ToList();
        Assert.Equal(["retry", "ok", "ok"], calls.Select(c => c.Outcome));
        Assert.Contains("json_schema refused; asking with tool call from now on", calls[0].Error);
        Assert.Empty(h.Gateway.Outages);
    }

    [Fact]
    public async Task A_server_that_refuses_json_schema_and_tools_gets_the_format_in_the_prompt_only()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.Responder = r => r.ResponseFormatType is not null ? ScriptedReply.Status(400, "Unrecognized request argument supplied: response_format")
            : r.Tools.Count > 0 ? ScriptedReply.Status(400, "tools are not supported for this model")
            : ScriptedReply.Text("```json\n{\"hypothesis\": \"Less dropout\", \"parameters\": {\"dropout\": 0.1}}\n```", 500, 30);
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(), CancellationToken.None);
        await proposer.ProposeAsync(Context(1), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal("0.1", proposal.Parameters["dropout"].Text);
        Assert.Equal(4, h.Server.Requests.Count);
        Assert.All(h.Server.Requests.Skip(2), r => Assert.True(r.ResponseFormatType is null && r.Tools.Count == 0));
        Assert.Equal("prompt only", Assert.Single(Structured(h).AnswerStats, s => s.Endpoint == "model-a").StructuredOutput);
        Assert.Contains("\"edits\"", h.Server.Requests[^1].SystemPrompt);
    }

    [Fact]
    public async Task A_request_refused_for_another_reason_keeps_the_structured_mode_and_fails_over()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(400, "This model's maximum context length is 8192 tokens"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text(SchemaAnswer, 10, 10));
        var proposer = h.Proposers.Create(Agent() with { Failover = ["model-b"] });

        var proposal = await proposer.ProposeAsync(Context(), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal(["json_schema", "json_schema"], h.Server.Requests.Select(r => r.ResponseFormatType));
        Assert.Equal("json_schema", Assert.Single(Structured(h).AnswerStats, s => s.Endpoint == "model-a").StructuredOutput);
    }

    [Theory]
    [InlineData("""{"Hypothesis": "Lower lr", "reasoning": "overshoots", "expectedEffect": "smoother", "params": [{"name": "lr", "value": 0.0005}]}""")]
    [InlineData("""{"proposal": {"hypothesis": "Lower lr", "Rationale": "overshoots", "parameters": {"lr": {"value": 0.0005}, "dropout": null}}}""")]
    [InlineData("""Sure! [{"idea": "Lower lr", "why": "overshoots", "parameters": "{\"lr\": 0.0005}"}]""")]
    public async Task Common_field_name_variants_and_wrappings_are_read(string answer)
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(answer, 100, 20));
        var proposer = h.Proposers.Create(Agent());

        var proposal = await proposer.ProposeAsync(Context(), CancellationToken.None);

        Assert.Null(proposal.Rejection);
        Assert.Equal("Lower lr", proposal.Hypothesis);
        Assert.Equal("0.0005", proposal.Parameters["lr"].Text);
        Assert.Equal(Repo.Benchmark("tiny-lm").Defaults()["dropout"], proposal.Parameters["dropout"]);
        Assert.Equal("overshoots", proposal.Rationale);
        Assert.Single(h.Server.Requests);
    }

    [Fact]
    public async Task Unusable_answers_are_counted_per_endpoint_and_the_rejection_describes_the_rejected_proposal_not_the_best()
    {
        await using var h = await ModelHarness.StartAsync();
        const string outOfRange = """{"hypothesis": "Huge learning rate", "parameters": {"lr": 5, "n_layer": 3}, "edits": ""}""";
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(outOfRange, 10, 10), ScriptedReply.Text(outOfRange, 10, 10),
            ScriptedReply.Text("no idea, sorry", 10, 10), ScriptedReply.Text("still nothing", 10, 10));
        var proposer = h.Proposers.Create(Agent());

        var invalid = await proposer.ProposeAsync(Context(0), CancellationToken.None);
        var garbage = await proposer.ProposeAsync(Context(1), CancellationToken.None);

        Assert.Contains("after one repair round", invalid.Rejection);
        Assert.Contains("(model model-a, gpt-a)", invalid.Rejection);
        Assert.Contains("The rejected proposal: \"Huge learning rate\"; parameters against the best: lr 0.001→5, n_layer 2→3.", invalid.Rejection);
        Assert.Equal(("5", "3", "Huge learning rate"), (invalid.Parameters["lr"].Text, invalid.Parameters["n_layer"].Text, invalid.Hypothesis));
        Assert.Contains("could not be read as a proposal; it began: \"still nothing\"", garbage.Rejection);
        var stats = Assert.Single(Structured(h).AnswerStats, s => s.Endpoint == "model-a");
        Assert.Equal((4, 4, 1.0), (stats.Answers, stats.Rejected, stats.RejectionRate));
        Assert.Contains("no JSON object", stats.LastProblem);
        Assert.Equal((0, 0), Structured(h).AnswerStats.Where(s => s.Endpoint == "model-b").Select(s => (s.Answers, s.Rejected)).Single());
    }

    [Fact]
    public async Task A_failover_is_told_even_when_the_first_answer_after_it_is_rejected()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 0);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(500, "gone"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("garbage", 10, 10), ScriptedReply.Text("more garbage", 10, 10));
        var proposer = h.Proposers.Create(Agent() with { Failover = ["model-b"] });

        var proposal = await proposer.ProposeAsync(Context(), CancellationToken.None);

        Assert.NotNull(proposal.Rejection);
        Assert.Contains("Failing over to model model-b", proposal.Notice);
        // The repair went straight to model-b: model-a is cooling down after its 500.
        Assert.Matches("model-a: .*HTTP 500.*; model-b answers", proposal.ModelProblem);
        Assert.Equal("model-b (gpt-b)", proposal.Model);
    }
}
