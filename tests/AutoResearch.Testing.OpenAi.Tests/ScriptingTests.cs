using System.Net;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI.Chat;

namespace AutoResearch.Testing.OpenAi.Tests;

/// <summary>Which scripted reply answers which request: model queue, then default queue, then responder, else 500.</summary>
public sealed class ScriptingTests
{
    [Fact]
    public async Task Model_queues_answer_their_model_in_order_and_the_default_queue_answers_the_rest()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.For("gpt-a").Enqueue(ScriptedReply.Text("a1"), ScriptedReply.Text("a2"));
        server.For("gpt-b").Enqueue(ScriptedReply.Text("b1"));
        server.Default.Enqueue(ScriptedReply.Text("default1"), ScriptedReply.Text("default2"));
        var a = SemanticKernelClient.Create(server, "gpt-a");
        var b = SemanticKernelClient.Create(server, "gpt-b");
        var c = SemanticKernelClient.Create(server, "gpt-c");
        var history = SemanticKernelClient.History("s", "u");

        Assert.Equal("b1", (await b.GetChatMessageContentAsync(history)).Content);
        Assert.Equal("a1", (await a.GetChatMessageContentAsync(history)).Content);
        Assert.Equal("default1", (await c.GetChatMessageContentAsync(history)).Content);
        Assert.Equal("default2", (await b.GetChatMessageContentAsync(history)).Content); // gpt-b's queue is empty
        Assert.Equal("a2", (await a.GetChatMessageContentAsync(history)).Content);

        Assert.Equal(0, server.For("gpt-a").Count);
        Assert.Equal(0, server.Default.Count);
        Assert.Equal(["gpt-b", "gpt-a", "gpt-c", "gpt-b", "gpt-a"], server.Requests.Select(r => r.Model));
        Assert.Equal([0, 1, 2, 3, 4], server.Requests.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Responder_answers_when_the_queues_are_empty_and_sees_the_request()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.For("gpt-a").Enqueue(ScriptedReply.Text("queued"));
        server.Responder = request => ScriptedReply.Text($"echo {request.Model}: {request.LastUserMessage}", promptTokens: request.Messages.Count, completionTokens: 1);
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var first = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "one"));
        var second = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "two"));

        Assert.Equal("queued", first.Content);
        Assert.Equal("echo gpt-a: two", second.Content);
        Assert.Equal(2, Assert.IsType<ChatTokenUsage>(second.Metadata!["Usage"]).InputTokenCount);
        Assert.Empty(server.Unscripted);
    }

    [Fact]
    public async Task Responder_can_script_failures_too()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Responder = request => request.Model == "gpt-down" ? ScriptedReply.Status(503, "down") : ScriptedReply.Text("up");

        var up = await SemanticKernelClient.Create(server, "gpt-up").GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"));
        var down = await Assert.ThrowsAsync<HttpOperationException>(
            () => SemanticKernelClient.Create(server, "gpt-down").GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        Assert.Equal("up", up.Content);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
    }

    [Fact]
    public async Task Responder_that_throws_gives_a_500_naming_the_exception()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Responder = _ => throw new InvalidOperationException("script bug");

        var e = await Assert.ThrowsAsync<HttpOperationException>(
            () => SemanticKernelClient.Create(server, "gpt-a").GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Contains("InvalidOperationException: script bug", e.ResponseContent);
    }

    [Fact]
    public async Task Unscripted_request_is_answered_500_and_listed()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.For("gpt-a").Enqueue(ScriptedReply.Text("only one"));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"));
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "again")));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Contains("no reply was scripted", e.ResponseContent);
        Assert.Equal(2, server.Requests.Count);
        var unscripted = Assert.Single(server.Unscripted);
        Assert.Equal(1, unscripted.Sequence);
        Assert.Equal("again", unscripted.LastUserMessage);
    }

    [Fact]
    public async Task With_retries_on_an_unscripted_500_is_retried_and_listed_each_time()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        var service = SemanticKernelClient.Create(server, "gpt-a", maxRetries: 1);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u")));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Equal(2, server.Unscripted.Count);
    }

    [Fact]
    public async Task Concurrent_requests_are_all_recorded_and_each_scripted_reply_is_used_once()
    {
        const int count = 24;
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(Enumerable.Range(0, count).Select(i => ScriptedReply.Text($"r{i}")).ToArray());
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var results = await Task.WhenAll(Enumerable.Range(0, count)
            .Select(i => service.GetChatMessageContentAsync(SemanticKernelClient.History("s", $"q{i}"))));

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"r{i}").Order(), results.Select(r => r.Content!).Order());
        Assert.Equal(count, server.Requests.Count);
        Assert.Equal(Enumerable.Range(0, count), server.Requests.Select(r => r.Sequence));
        Assert.Equal(count, server.Requests.Select(r => r.LastUserMessage).Distinct().Count());
        Assert.Equal(0, server.Default.Count);
    }
}
