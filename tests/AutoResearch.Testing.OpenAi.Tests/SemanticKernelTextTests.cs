using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace AutoResearch.Testing.OpenAi.Tests;

/// <summary>Text replies read through Semantic Kernel 1.82, and how to read usage from them.</summary>
public sealed class SemanticKernelTextTests
{
    [Fact]
    public async Task Text_reply_gives_content_and_usage_and_the_request_carries_model_messages_and_key()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.For("gpt-a").Enqueue(ScriptedReply.Text("Try a lower learning rate.", promptTokens: 42, completionTokens: 7));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var result = await service.GetChatMessageContentAsync(
            SemanticKernelClient.History("You are a research assistant.", "Propose the next experiment."),
            new OpenAIPromptExecutionSettings { MaxTokens = 256, Temperature = 0.2 });

        Assert.Equal("Try a lower learning rate.", result.Content);
        Assert.Equal(AuthorRole.Assistant, result.Role);
        Assert.Equal("gpt-a", result.ModelId);

        // HOW TO READ USAGE in SK 1.82: result.Metadata["Usage"] is an OpenAI.Chat.ChatTokenUsage
        // (InputTokenCount = prompt_tokens, OutputTokenCount = completion_tokens, TotalTokenCount = total_tokens).
        // The same object is ((OpenAI.Chat.ChatCompletion)result.InnerContent).Usage.
        var usage = Assert.IsType<ChatTokenUsage>(result.Metadata!["Usage"]);
        Assert.Equal(42, usage.InputTokenCount);
        Assert.Equal(7, usage.OutputTokenCount);
        Assert.Equal(49, usage.TotalTokenCount);
        var completion = Assert.IsType<ChatCompletion>(result.InnerContent);
        Assert.Same(usage, completion.Usage);

        // Other metadata SK 1.82 fills: the completion id, and FinishReason as the ChatFinishReason enum's name ("Stop").
        Assert.Equal("chatcmpl-scripted-1", result.Metadata["Id"]);
        Assert.Equal("Stop", result.Metadata["FinishReason"]);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("gpt-a", request.Model);
        Assert.Equal("Bearer sk-test", request.Authorization);
        Assert.Collection(request.Messages,
            m => Assert.Equal(("system", "You are a research assistant."), (m.Role, m.Content)),
            m => Assert.Equal(("user", "Propose the next experiment."), (m.Role, m.Content)));
        Assert.Equal("You are a research assistant.", request.SystemPrompt);
        Assert.Equal("Propose the next experiment.", request.LastUserMessage);
        // SK 1.82 sends MaxTokens as max_completion_tokens, not the legacy max_tokens.
        Assert.Equal(256, request.MaxCompletionTokens);
        Assert.Null(request.MaxTokens);
        Assert.Equal(0.2, request.Temperature!.Value, 3);
        Assert.False(request.Stream);
        Assert.Empty(request.Tools);
        Assert.Empty(server.Unscripted);
    }

    [Fact]
    public async Task NoUsage_reply_gives_content_and_a_null_Usage_entry()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.NoUsage("no usage here"));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var result = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"));

        Assert.Equal("no usage here", result.Content);
        // The key is present but its value is null: read it with a type pattern, never a cast.
        Assert.True(result.Metadata!.ContainsKey("Usage"));
        Assert.Null(result.Metadata["Usage"]);
        Assert.False(result.Metadata.TryGetValue("Usage", out var u) && u is ChatTokenUsage);
    }

    [Fact]
    public async Task Truncated_reply_reports_finish_reason_Length()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("cut", 10, 100, finishReason: "length"));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var result = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"));

        Assert.Equal("cut", result.Content);
        Assert.Equal("Length", result.Metadata!["FinishReason"]);
        Assert.Equal(ChatFinishReason.Length, Assert.IsType<ChatCompletion>(result.InnerContent).FinishReason);
    }

    [Fact]
    public async Task Json_response_format_is_recorded()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.Text("""{"lr":0.01}"""));
        var service = SemanticKernelClient.Create(server, "gpt-a");

        var result = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "u"),
            new OpenAIPromptExecutionSettings { ResponseFormat = "json_object" });

        Assert.Equal("""{"lr":0.01}""", result.Content);
        var request = Assert.Single(server.Requests);
        Assert.Equal("json_object", request.ResponseFormatType);
        Assert.Equal("""{"type":"json_object"}""", request.ResponseFormatJson);
    }
}
