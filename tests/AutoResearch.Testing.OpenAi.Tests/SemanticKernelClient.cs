using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;

namespace AutoResearch.Testing.OpenAi.Tests;

/// <summary>Builds the real Semantic Kernel 1.82 / OpenAI 2.15 client against a <see cref="ScriptedOpenAiServer"/>, the way production code should.</summary>
internal static class SemanticKernelClient
{
    /// <summary>Generous by default: this machine is shared and slow; timeout tests pass a short one.</summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An SK chat service over an <see cref="OpenAIClient"/> pointed at the server. <c>ClientRetryPolicy(0)</c> turns off the
    /// OpenAI pipeline's own retries (3 by default, honouring retry-after-ms / Retry-After), so each failure surfaces at once.
    /// </summary>
    public static OpenAIChatCompletionService Create(ScriptedOpenAiServer server, string modelId, TimeSpan? networkTimeout = null, int maxRetries = 0) =>
        new(modelId, new OpenAIClient(new ApiKeyCredential("sk-test"), new OpenAIClientOptions
        {
            Endpoint = new Uri(server.BaseUrl),
            NetworkTimeout = networkTimeout ?? DefaultNetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries),
        }));

    /// <summary>A history of one system and one user message.</summary>
    public static ChatHistory History(string system, string user)
    {
        var history = new ChatHistory(system);
        history.AddUserMessage(user);
        return history;
    }

    /// <summary>A kernel with plugin <c>weather</c>, function <c>get(city)</c>: SK advertises it to the model as <c>weather-get</c>.</summary>
    public static Kernel KernelWithWeatherPlugin()
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("weather",
        [
            KernelFunctionFactory.CreateFromMethod((string city) => $"sunny in {city}", "get", "Current weather of a city"),
        ]);
        return kernel;
    }
}
