using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace AutoResearch.Testing.OpenAi.Tests;

/// <summary>Tool-call replies read through Semantic Kernel 1.82 as <see cref="FunctionCallContent"/>.</summary>
public sealed class SemanticKernelToolCallTests
{
    [Fact]
    public async Task Tool_call_reply_is_read_as_FunctionCallContent_and_the_request_advertises_the_tool()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.ToolCall("weather-get", """{"city":"Paris"}""", promptTokens: 30, completionTokens: 9));
        var service = SemanticKernelClient.Create(server, "gpt-a");
        var kernel = SemanticKernelClient.KernelWithWeatherPlugin();

        // SK 1.82: FunctionChoiceBehavior.Auto(autoInvoke: false) advertises the kernel's functions (the kernel must be
        // passed to the call) and hands tool calls back instead of invoking them.
        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };
        var result = await service.GetChatMessageContentAsync(SemanticKernelClient.History("s", "What is the weather in Paris?"), settings, kernel);

        Assert.True(string.IsNullOrEmpty(result.Content));
        var call = Assert.Single(result.Items.OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.Id);
        Assert.Equal("weather", call.PluginName); // "weather-get" split on SK's '-' separator
        Assert.Equal("get", call.FunctionName);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal("ToolCalls", result.Metadata!["FinishReason"]);
        var usage = Assert.IsType<ChatTokenUsage>(result.Metadata["Usage"]);
        Assert.Equal((30, 9), (usage.InputTokenCount, usage.OutputTokenCount));

        var request = Assert.Single(server.Requests);
        Assert.Equal("auto", request.ToolChoice);
        var tool = Assert.Single(request.Tools);
        Assert.Equal(("function", "weather-get", "Current weather of a city"), (tool.Type, tool.Name, tool.Description));
        using var schema = JsonDocument.Parse(tool.ParametersJson!);
        Assert.Equal("string", schema.RootElement.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Tool_result_sent_back_is_recorded_with_the_assistant_tool_call_and_the_tool_message()
    {
        await using var server = await ScriptedOpenAiServer.StartAsync();
        server.Enqueue(ScriptedReply.ToolCall("weather-get", """{"city":"Oslo"}""", toolCallId: "call_abc"), ScriptedReply.Text("It is sunny in Oslo."));
        var service = SemanticKernelClient.Create(server, "gpt-a");
        var kernel = SemanticKernelClient.KernelWithWeatherPlugin();
        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };
        var history = SemanticKernelClient.History("s", "Weather in Oslo?");

        var first = await service.GetChatMessageContentAsync(history, settings, kernel);
        history.Add(first);
        var call = Assert.Single(first.Items.OfType<FunctionCallContent>());
        var functionResult = await call.InvokeAsync(kernel);
        history.Add(functionResult.ToChatMessage());
        var second = await service.GetChatMessageContentAsync(history, settings, kernel);

        Assert.Equal("It is sunny in Oslo.", second.Content);
        var replay = server.Requests[1];
        Assert.Collection(replay.Messages,
            m => Assert.Equal("system", m.Role),
            m => Assert.Equal("user", m.Role),
            m =>
            {
                Assert.Equal("assistant", m.Role);
                var recorded = Assert.Single(m.ToolCalls);
                Assert.Equal(("call_abc", "function", "weather-get"), (recorded.Id, recorded.Type, recorded.FunctionName));
                Assert.Equal("Oslo", JsonDocument.Parse(recorded.ArgumentsJson!).RootElement.GetProperty("city").GetString());
            },
            m => Assert.Equal(("tool", "call_abc", "sunny in Oslo"), (m.Role, m.ToolCallId, m.Content)));
        Assert.Equal(AuthorRole.Tool, history[^1].Role);
    }
}
