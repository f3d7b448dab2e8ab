using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AutoResearch.Testing.OpenAi.Tests;

/// <summary>The wire format seen by a plain HTTP client: request parsing and response shapes.</summary>
public sealed class WireFormatTests
{
    private static async Task<(HttpStatusCode Status, HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient http, string url, string json)
    {
        var response = await http.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, response, document.RootElement.Clone());
    }

    [Fact]
    public async Task Text_reply_is_a_chat_completion_object()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("hello", 11, 4));
        using var http = new HttpClient();

        var (status, response, body) = await PostAsync(http, server.BaseUrl + "/chat/completions", """{"model":"m1","messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.InRange(body.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.Equal("m1", body.GetProperty("model").GetString());
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("hello", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal((11, 4, 15), (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32()));
    }

    [Fact]
    public async Task The_Azure_deployment_path_is_served_from_the_deployments_queue_and_records_deployment_and_api_version()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.For("research-deploy").Enqueue(ScriptedReply.Text("from the deployment", 5, 2));
        using var http = new HttpClient();

        var (status, _, body) = await PostAsync(http, server.RootUrl + "/openai/deployments/research-deploy/chat/completions?api-version=2024-10-21",
            """{"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("from the deployment", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("research-deploy", body.GetProperty("model").GetString());
        var request = Assert.Single(server.Requests);
        Assert.Equal(("/openai/deployments/research-deploy/chat/completions", "research-deploy", "2024-10-21", null), (request.Path, request.Deployment, request.ApiVersion, request.Model));
    }

    [Fact]
    public async Task Tool_call_and_no_usage_and_status_replies_have_the_OpenAI_shapes()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(
            ScriptedReply.ToolCall("run_experiment", """{"lr":0.1}"""),
            ScriptedReply.NoUsage("plain"),
            ScriptedReply.Status(429, "slow", retryAfterSeconds: 1.2),
            ScriptedReply.Status(400, "bad", errorType: "invalid_request_error", errorCode: "context_length_exceeded"));
        using var http = new HttpClient();
        const string request = """{"model":"m","messages":[]}""";

        var (_, _, tool) = await PostAsync(http, server.BaseUrl + "/chat/completions", request);
        var (_, _, noUsage) = await PostAsync(http, server.BaseUrl + "/chat/completions", request);
        var (status429, response429, error429) = await PostAsync(http, server.BaseUrl + "/chat/completions", request);
        var (status400, response400, error400) = await PostAsync(http, server.BaseUrl + "/chat/completions", request);

        var choice = tool.GetProperty("choices")[0];
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = Assert.Single(choice.GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("run_experiment", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"lr":0.1}""", call.GetProperty("function").GetProperty("arguments").GetString());

        Assert.Equal("plain", noUsage.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.False(noUsage.TryGetProperty("usage", out _));

        Assert.Equal(HttpStatusCode.TooManyRequests, status429);
        Assert.Equal("2", Assert.Single(response429.Headers.GetValues("Retry-After")));
        Assert.Equal("1200", Assert.Single(response429.Headers.GetValues("retry-after-ms")));
        Assert.Equal("slow", error429.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("requests", error429.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error429.GetProperty("error").GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, status400);
        Assert.False(response400.Headers.Contains("Retry-After"));
        Assert.Equal("context_length_exceeded", error400.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Request_fields_are_parsed_including_content_parts_and_object_tool_choice()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("ok"));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-raw");
        const string json = """
            {
              "model": "gpt-x",
              "messages": [
                {"role": "developer", "content": "be brief"},
                {"role": "user", "name": "ana", "content": [{"type": "text", "text": "part one, "}, {"type": "image_url", "image_url": {"url": "http://x"}}, {"type": "text", "text": "part two"}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "42"}
              ],
              "tools": [{"type": "function", "function": {"name": "f", "description": "d", "parameters": {"type": "object"}}}],
              "tool_choice": {"type": "function", "function": {"name": "f"}},
              "max_tokens": 100,
              "temperature": 0.7,
              "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {}}}
            }
            """;

        var (status, _, _) = await PostAsync(http, server.BaseUrl + "/chat/completions", json);

        Assert.Equal(HttpStatusCode.OK, status);
        var request = Assert.Single(server.Requests);
        Assert.Equal(json, request.RawBody);
        Assert.Equal("gpt-x", request.Model);
        Assert.Equal("Bearer sk-raw", request.Authorization);
        Assert.Equal("Bearer sk-raw", request.Headers["authorization"]);
        Assert.Equal("be brief", request.SystemPrompt);
        var user = request.Messages[1];
        Assert.Equal(("user", "ana", "part one, part two"), (user.Role, user.Name, user.Content));
        Assert.Equal(["text", "image_url", "text"], user.Parts.Select(p => p.Type));
        Assert.Null(request.Messages[2].Content);
        Assert.Equal(new RecordedToolCall("c1", "function", "f", "{}"), Assert.Single(request.Messages[2].ToolCalls));
        Assert.Equal(("tool", "c1", "42"), (request.Messages[3].Role, request.Messages[3].ToolCallId, request.Messages[3].Content));
        Assert.Equal(new RecordedTool("function", "f", "d", """{"type": "object"}"""), Assert.Single(request.Tools));
        Assert.Equal("""{"type": "function", "function": {"name": "f"}}""", request.ToolChoice);
        Assert.Equal(100, request.MaxTokens);
        Assert.Null(request.MaxCompletionTokens);
        Assert.Equal(0.7, request.Temperature);
        Assert.Equal("json_schema", request.ResponseFormatType);
        Assert.Equal("gpt-x", request.Json!.Value.GetProperty("model").GetString());
        Assert.Null(request.ParseError);
    }

    [Fact]
    public async Task Path_without_v1_is_served_too()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("root"));
        using var http = new HttpClient();

        var (status, _, body) = await PostAsync(http, server.RootUrl + "/chat/completions", """{"model":"m","messages":[]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("root", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("/chat/completions", Assert.Single(server.Requests).Path);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/v1$", server.BaseUrl);
    }

    [Fact]
    public async Task Streaming_invalid_JSON_and_unknown_paths_are_rejected_without_consuming_replies()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("kept"));
        using var http = new HttpClient();

        var (streamStatus, _, streamBody) = await PostAsync(http, server.BaseUrl + "/chat/completions", """{"model":"m","messages":[],"stream":true}""");
        var (badStatus, _, badBody) = await PostAsync(http, server.BaseUrl + "/chat/completions", "{not json");
        var (unknownStatus, _, unknownBody) = await PostAsync(http, server.BaseUrl + "/embeddings", """{"model":"m"}""");

        Assert.Equal(HttpStatusCode.BadRequest, streamStatus);
        Assert.Contains("streaming", streamBody.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("not JSON", badBody.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);
        Assert.Contains("/v1/embeddings", unknownBody.GetProperty("error").GetProperty("message").GetString());

        Assert.Equal(1, server.Default.Count);
        Assert.Empty(server.Unscripted);
        Assert.Collection(server.Requests,
            r => Assert.True(r.Stream),
            r => Assert.NotNull(r.ParseError),
            r => Assert.Equal("/v1/embeddings", r.Path));
    }

    [Fact]
    public async Task Delay_then_answers_and_an_aborted_client_does_not_block_dispose()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Delay(TimeSpan.FromMilliseconds(200), ScriptedReply.Text("late")), ScriptedReply.Delay(TimeSpan.FromMinutes(5), ScriptedReply.Text("never")));
        using var http = new HttpClient();

        var (status, _, body) = await PostAsync(http, server.BaseUrl + "/chat/completions", """{"model":"m","messages":[]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("late", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => http.PostAsync(server.BaseUrl + "/chat/completions", new StringContent("""{"model":"m","messages":[]}"""), cts.Token));

        var dispose = server.DisposeAsync().AsTask();
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(20))));
    }
}
