using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AutoResearch.Testing.OpenAi.Tests;

/// <summary>
/// How each failure surfaces through Semantic Kernel 1.82 over OpenAI 2.15 (with <c>ClientRetryPolicy(0)</c>).
/// The README of AutoResearch.Testing.OpenAi summarises these facts; keep both in step.
/// </summary>
public sealed class SemanticKernelFailureTests
{
    [Fact]
    public async Task Status_429_surfaces_as_HttpOperationException_with_the_status_and_the_Retry_After_headers_on_the_inner_ClientResultException()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Status(429, "Rate limit reached for gpt-a", retryAfterSeconds: 7));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        // SK wraps the OpenAI SDK's System.ClientModel.ClientResultException (Status = HTTP status) in
        // Microsoft.SemanticKernel.HttpOperationException (StatusCode = HttpStatusCode?, ResponseContent = the error body).
        Assert.Equal(HttpStatusCode.TooManyRequests, e.StatusCode);
        using var body = JsonDocument.Parse(e.ResponseContent!);
        Assert.Equal("Rate limit reached for gpt-a", body.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("rate_limit_exceeded", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("Rate limit reached for gpt-a", e.Message);

        // Response headers are only reachable through the inner ClientResultException's raw response.
        var inner = Assert.IsType<ClientResultException>(e.InnerException);
        Assert.Equal(429, inner.Status);
        var headers = inner.GetRawResponse()!.Headers;
        Assert.True(headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("7", retryAfter);
        Assert.True(headers.TryGetValue("retry-after-ms", out var retryAfterMs));
        Assert.Equal("7000", retryAfterMs);
        Assert.Single(server.Requests); // no retries with ClientRetryPolicy(0)
    }

    [Fact]
    public async Task Status_500_surfaces_as_HttpOperationException_with_StatusCode_InternalServerError()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Status(500, "The server had an error"), ScriptedReply.Status(503, "Overloaded", retryAfterSeconds: 1));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var e500 = await Assert.ThrowsAsync<HttpOperationException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));
        var e503 = await Assert.ThrowsAsync<HttpOperationException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        Assert.Equal(HttpStatusCode.InternalServerError, e500.StatusCode);
        Assert.Equal(500, Assert.IsType<ClientResultException>(e500.InnerException).Status);
        Assert.Contains("The server had an error", e500.ResponseContent);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e503.StatusCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task OpenAI_retry_policy_honours_retry_after_ms_and_then_succeeds()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Status(429, "slow down", retryAfterSeconds: 0.05), ScriptedReply.Text("after retry", 3, 2));
        var service = SemanticKernelClient.Create(server, "gpt-a", maxRetries: 2);

        var result = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"));

        // With retries on (the OpenAI default is 3), a 429 is retried inside the OpenAI pipeline and SK never sees it.
        Assert.Equal("after retry", result.Content);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Delay_longer_than_NetworkTimeout_surfaces_as_TaskCanceledException()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("warm-up"), ScriptedReply.Delay(TimeSpan.FromSeconds(60), ScriptedReply.Text("too late")));
        var service = SemanticKernelClient.Create(server, "gpt-a", networkTimeout: TimeSpan.FromSeconds(2));
        await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")); // warm up JIT and the connection

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TaskCanceledException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        // System.ClientModel's NetworkTimeout throws TaskCanceledException (an OperationCanceledException), NOT a
        // TimeoutException and NOT an HttpOperationException; SK does not wrap it. Its message says
        // "...exceeded the configured timeout..."; the inner exceptions vary (TaskCanceledException, IOException).
        // Production code tells it apart from its own cancellation by checking its CancellationToken.IsCancellationRequested.
        Assert.Contains("exceeded the configured timeout", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the client waited {clock.Elapsed}");
    }

    [Fact]
    public async Task Caller_cancellation_surfaces_as_OperationCanceledException_and_the_token_says_so()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Delay(TimeSpan.FromSeconds(60), ScriptedReply.Text("too late")));
        var service = SemanticKernelClient.Create(server, "gpt-a");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"), cancellationToken: cts.Token));

        // Same family as the NetworkTimeout case; the difference is that the caller's token is cancelled here.
        Assert.True(cts.Token.IsCancellationRequested);
        Assert.DoesNotContain("exceeded the configured timeout", e.Message);
    }

    [Fact]
    public async Task Malformed_body_surfaces_as_JsonException_unwrapped()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Malformed(), ScriptedReply.Malformed("not json at all"));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        // The OpenAI SDK parses the 200 body with System.Text.Json; the (internal) JsonReaderException derives from
        // System.Text.Json.JsonException and SK does not wrap it.
        var truncated = await Assert.ThrowsAnyAsync<JsonException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));
        var garbage = await Assert.ThrowsAnyAsync<JsonException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        Assert.IsNotType<HttpOperationException>(truncated);
        Assert.IsNotType<HttpOperationException>(garbage);
    }

    [Fact]
    public async Task Unscripted_request_surfaces_as_HttpOperationException_500_naming_the_missing_script()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        var service = SemanticKernelClient.Create(server, "gpt-nobody-scripted");

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Contains(ScriptedOpenAiServer.UnscriptedMessage, e.ResponseContent);
        Assert.Contains("gpt-nobody-scripted", e.ResponseContent);
        Assert.Equal("gpt-nobody-scripted", Assert.Single(server.Unscripted).Model);
    }

    [Fact]
    public async Task Server_disposed_during_a_delay_drops_the_connection_which_surfaces_as_HttpOperationException_without_status()
    {
        var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Delay(TimeSpan.FromSeconds(60), ScriptedReply.Text("never")));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var call = service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"));
        var deadline = Stopwatch.StartNew();
        while (server.Requests.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }
        await server.DisposeAsync();

        // A dropped connection: ClientResultException with Status 0, wrapped as HttpOperationException with StatusCode null.
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => call);
        Assert.Null(e.StatusCode);
        Assert.Equal(0, Assert.IsType<ClientResultException>(e.InnerException).Status);
    }
}
