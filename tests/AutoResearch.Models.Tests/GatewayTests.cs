using AutoResearch.Abstractions.Models;
using AutoResearch.Testing.OpenAi;

namespace AutoResearch.Models.Tests;

/// <summary>The gateway through the real Semantic Kernel client against the scripted OpenAI-compatible server.</summary>
public sealed class GatewayTests
{
    private static ModelRequest Ask(string campaign, params string[] endpoints) => new()
    {
        CampaignId = campaign,
        AgentId = "llm-1",
        ExperimentId = campaign + "-0007",
        Purpose = "propose",
        Endpoints = endpoints,
        Messages = [new ModelMessage(ModelRole.System, "You are a test."), new ModelMessage(ModelRole.User, "Say hi.")],
        MaxOutputTokens = 64,
    };

    [Fact]
    public async Task Usage_is_counted_exactly_and_every_call_is_recorded_with_agent_model_tokens_latency_and_outcome()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("hi there", promptTokens: 123, completionTokens: 45));

        var reply = await h.Gateway.CompleteAsync(Ask("c1", "model-a"), CancellationToken.None);

        Assert.Equal("hi there", reply.Text);
        Assert.Equal(("model-a", "gpt-a", 123L, 45L, 168L, 1), (reply.Endpoint, reply.Model, reply.PromptTokens, reply.CompletionTokens, reply.TokensCharged, reply.Attempts));
        Assert.False(reply.UsageEstimated);
        var request = Assert.Single(h.Server.Requests);
        Assert.Equal("gpt-a", request.Model);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        var call = Assert.Single(await h.Ledger.GetModelCallsAsync("c1"));
        Assert.Equal(("llm-1", "c1-0007", "model-a", "gpt-a", "propose", 123L, 45L, "ok"),
            (call.AgentId, call.ExperimentId, call.Provider, call.Model, call.Purpose, call.PromptTokens, call.CompletionTokens, call.Outcome));
        Assert.True(call.LatencyMs > 0);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_and_then_succeeds()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(429, "Rate limit reached", retryAfterSeconds: 0.05), ScriptedReply.Text("ok", 10, 2));

        var reply = await h.Gateway.CompleteAsync(Ask("c2", "model-a", "model-b"), CancellationToken.None);

        Assert.Equal(("ok", "model-a", 2), (reply.Text, reply.Endpoint, reply.Attempts));
        Assert.Empty(reply.FailedOver);
        Assert.Equal(2, h.Server.Requests.Count);
        var calls = await h.Ledger.GetModelCallsAsync("c2");
        Assert.Equal(["retry", "ok"], calls.OrderBy(c => c.At).Select(c => c.Outcome));
        Assert.Contains("HTTP 429", calls.OrderBy(c => c.At).First().Error);
        Assert.Empty(h.Gateway.Outages);
    }

    [Fact]
    public async Task Repeated_500s_fail_over_to_the_second_model_and_the_outage_is_visible()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 2);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(500, "boom"), ScriptedReply.Status(500, "boom"), ScriptedReply.Status(500, "boom"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("from b", 7, 3));

        var reply = await h.Gateway.CompleteAsync(Ask("c3", "model-a", "model-b"), CancellationToken.None);

        Assert.Equal(("from b", "model-b", "gpt-b", 4), (reply.Text, reply.Endpoint, reply.Model, reply.Attempts));
        var failedOver = Assert.Single(reply.FailedOver);
        Assert.Contains("model-a: HTTP 500", failedOver);
        Assert.Contains("×3", failedOver);
        Assert.Equal(["gpt-a", "gpt-a", "gpt-a", "gpt-b"], h.Server.Requests.Select(r => r.Model));
        var outage = Assert.Single(h.Gateway.Outages);
        Assert.StartsWith("model-a: down since", outage);

        // While model-a cools down it is skipped without a request.
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("b again", 1, 1));
        var second = await h.Gateway.CompleteAsync(Ask("c3", "model-a", "model-b"), CancellationToken.None);
        Assert.Equal("model-b", second.Endpoint);
        Assert.Equal(5, h.Server.Requests.Count);
        Assert.Contains(second.FailedOver, f => f.Contains("skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_every_model_is_down_the_gateway_says_which_failed_and_how()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 1);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(503, "overloaded"), ScriptedReply.Status(503, "overloaded"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Status(500, "down"), ScriptedReply.Status(500, "down"));

        var ex = await Assert.ThrowsAsync<ModelsUnavailableException>(() => h.Gateway.CompleteAsync(Ask("c4", "model-a", "model-b"), CancellationToken.None));

        Assert.Equal(2, ex.Failures.Count);
        Assert.Contains("model-a: HTTP 503", ex.Failures[0]);
        Assert.Contains("model-b: HTTP 500", ex.Failures[1]);
        Assert.Equal(4, (await h.Ledger.GetModelCallsAsync("c4")).Count);
        Assert.Equal(2, h.Gateway.Outages.Count);
    }

    [Fact]
    public async Task A_timeout_and_a_malformed_answer_are_retried_and_a_401_fails_over_at_once()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 3, timeout: "00:00:02");
        // Warm up the client (the first call on a busy machine may take longer than the timeout before it reaches the server).
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("warm", 1, 1));
        await h.Gateway.CompleteAsync(Ask("warm", "model-a"), CancellationToken.None);
        h.Server.For("gpt-a").Enqueue(
            ScriptedReply.Delay(TimeSpan.FromSeconds(30), ScriptedReply.Text("late")),
            ScriptedReply.Malformed(),
            ScriptedReply.Text("finally", 5, 5));
        var reply = await h.Gateway.CompleteAsync(Ask("c5", "model-a"), CancellationToken.None);
        Assert.Equal(("finally", 3), (reply.Text, reply.Attempts));
        var errors = (await h.Ledger.GetModelCallsAsync("c5")).OrderBy(c => c.At).Select(c => c.Error ?? "").ToList();
        Assert.Contains("timed out", errors[0]);
        Assert.Contains("unreadable", errors[1]);

        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(401, "Incorrect API key provided"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("b", 1, 1));
        var failedOver = await h.Gateway.CompleteAsync(Ask("c6", "model-a", "model-b"), CancellationToken.None);
        Assert.Equal("model-b", failedOver.Endpoint);
        Assert.Equal("failed", (await h.Ledger.GetModelCallsAsync("c6")).OrderBy(c => c.At).First().Outcome);
    }

    [Fact]
    public async Task A_call_that_would_overrun_the_token_allowance_is_refused_before_anything_is_sent()
    {
        await using var h = await ModelHarness.StartAsync();
        var ex = await Assert.ThrowsAsync<ModelBudgetExceededException>(
            () => h.Gateway.CompleteAsync(Ask("c7", "model-a") with { TokenAllowance = 50 }, CancellationToken.None));
        Assert.Equal(50, ex.Allowance);
        Assert.True(ex.Estimate > 64);
        Assert.Empty(h.Server.Requests);
        Assert.Equal("refused", Assert.Single(await h.Ledger.GetModelCallsAsync("c7")).Outcome);
    }

    [Fact]
    public async Task The_key_is_sent_to_the_server_but_never_reaches_logs_or_the_ledger_even_when_an_error_echoes_it()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 1);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(401, $"Incorrect API key provided: {h.Key}"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Status(500, $"upstream rejected {h.Key}"), ScriptedReply.Text("ok", 3, 3));

        await h.Gateway.CompleteAsync(Ask("c8", "model-a", "model-b"), CancellationToken.None);

        Assert.All(h.Server.Requests, r => Assert.Equal($"Bearer {h.Key}", r.Authorization));
        Assert.NotEmpty(h.Logs.Lines);
        Assert.DoesNotContain(h.Logs.Lines, l => l.Contains(h.Key, StringComparison.Ordinal));
        var calls = await h.Ledger.GetModelCallsAsync("c8");
        Assert.Contains(calls, c => c.Error?.Contains("***", StringComparison.Ordinal) == true);
        await h.DisposeLedgerConnectionsAsync();
        var bytes = await File.ReadAllBytesAsync(h.LedgerFile);
        Assert.DoesNotContain(h.Key, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unusable_endpoints_are_named_with_what_to_do()
    {
        await using var h = await ModelHarness.StartAsync(extra: new()
        {
            ["AutoResearch:Models:Endpoints:cloud:Provider"] = "openai",
            ["AutoResearch:Models:Endpoints:cloud:Model"] = "gpt-4.1-mini",
            ["AutoResearch:Models:Endpoints:cloud:ApiKeyVariable"] = "AR_TEST_KEY_THAT_IS_NOT_SET",
        });
        Assert.Null(h.Gateway.WhyNotUsable("model-a"));
        Assert.Contains("not configured", h.Gateway.WhyNotUsable("nope"));
        Assert.Contains("model-a", h.Gateway.WhyNotUsable("nope"));
        Assert.Contains("set environment variable AR_TEST_KEY_THAT_IS_NOT_SET", h.Gateway.WhyNotUsable("cloud"));
    }

    [Fact]
    public async Task A_request_the_server_rejects_fails_over_for_that_request_only_and_leaves_the_endpoint_up()
    {
        await using var h = await ModelHarness.StartAsync();
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(400, "This model's maximum context length is 8192 tokens"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("b", 1, 1));
        var first = await h.Gateway.CompleteAsync(Ask("c9", "model-a", "model-b"), CancellationToken.None);
        Assert.Equal("model-b", first.Endpoint);
        Assert.Contains("HTTP 400", Assert.Single(first.FailedOver));
        Assert.Empty(h.Gateway.Outages);

        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("a is fine", 1, 1));
        var second = await h.Gateway.CompleteAsync(Ask("c9", "model-a", "model-b"), CancellationToken.None);
        Assert.Equal(("model-a", 0), (second.Endpoint, second.FailedOver.Count));
    }

    [Fact]
    public async Task A_prompt_larger_than_an_endpoints_context_window_is_not_sent_there_and_a_tight_fit_gets_a_shorter_answer()
    {
        await using var h = await ModelHarness.StartAsync(extra: new()
        {
            ["AutoResearch:Models:Endpoints:model-a:ContextTokens"] = "1300",
        });
        var big = Ask("c10", "model-a", "model-b") with
        {
            Messages = [new ModelMessage(ModelRole.User, new string('x', 3500 * 2))], // about 2000 tokens
        };
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("b", 1, 1));
        var reply = await h.Gateway.CompleteAsync(big, CancellationToken.None);
        Assert.Equal("model-b", reply.Endpoint);
        Assert.Contains("does not fit its context window of 1300", Assert.Single(reply.FailedOver));
        Assert.Equal(["gpt-b"], h.Server.Requests.Select(r => r.Model));
        Assert.Empty(h.Gateway.Outages);

        var tight = Ask("c11", "model-a") with { Messages = [new ModelMessage(ModelRole.User, new string('y', 3500))], MaxOutputTokens = 1024 };
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("a", 1, 1));
        await h.Gateway.CompleteAsync(tight, CancellationToken.None);
        Assert.True(h.Server.Requests[^1].MaxCompletionTokens is > 0 and < 1024, $"max_completion_tokens {h.Server.Requests[^1].MaxCompletionTokens}");
    }

    [Fact]
    public async Task The_key_can_come_from_a_secret_file_and_an_endpoint_is_tried_again_after_its_cool_down()
    {
        var secret = Path.Combine(Path.GetTempPath(), "ar-secret-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(secret, "sk-from-file-123456\n");
        try
        {
            await using var h = await ModelHarness.StartAsync(maxRetries: 0, extra: new()
            {
                ["AutoResearch:Models:Cooldown"] = "00:00:00.300",
                ["AutoResearch:Models:Endpoints:filed:Provider"] = "openai",
                ["AutoResearch:Models:Endpoints:filed:Model"] = "gpt-f",
                ["AutoResearch:Models:Endpoints:filed:ApiKeyFile"] = secret,
                ["AutoResearch:Models:Endpoints:filed:BaseUrl"] = "{server}",
            });
            Assert.Null(h.Gateway.WhyNotUsable("filed"));
            h.Server.For("gpt-f").Enqueue(ScriptedReply.Text("f", 1, 1));
            Assert.Equal("f", (await h.Gateway.CompleteAsync(Ask("c12", "filed"), CancellationToken.None)).Text);
            Assert.Equal("Bearer sk-from-file-123456", h.Server.Requests[^1].Authorization);
            File.Delete(secret);
            Assert.Contains("put the key in", h.Gateway.WhyNotUsable("filed"));

            h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(503, "down"));
            h.Server.For("gpt-b").Enqueue(ScriptedReply.Text("b", 1, 1));
            Assert.Equal("model-b", (await h.Gateway.CompleteAsync(Ask("c12", "model-a", "model-b"), CancellationToken.None)).Endpoint);
            Assert.Single(h.Gateway.Outages);

            await Task.Delay(600);
            h.Server.For("gpt-a").Enqueue(ScriptedReply.Text("a is back", 1, 1));
            var back = await h.Gateway.CompleteAsync(Ask("c12", "model-a", "model-b"), CancellationToken.None);
            Assert.Equal(("model-a", 0), (back.Endpoint, back.FailedOver.Count));
            Assert.Empty(h.Gateway.Outages);
        }
        finally
        {
            File.Delete(secret);
        }
    }
}
