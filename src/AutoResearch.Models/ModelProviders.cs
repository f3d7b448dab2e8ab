namespace AutoResearch.Models;

/// <summary>The kinds of endpoint a model can be reached at; all speak the OpenAI chat-completions wire format.</summary>
public static class ModelProviders
{
    /// <summary>api.openai.com (or <see cref="ModelEndpointOptions.BaseUrl"/> when set); needs a key.</summary>
    public const string OpenAI = "openai";

    /// <summary>Azure OpenAI through its OpenAI-compatible v1 endpoint (<c>https://RESOURCE.openai.azure.com/openai/v1/</c>); needs a key; the model is the deployment name.</summary>
    public const string Azure = "azure";

    /// <summary>Any OpenAI-compatible server: Ollama, vLLM, llama.cpp server, LM Studio; the key is optional.</summary>
    public const string Compatible = "compatible";

    public static readonly IReadOnlyList<string> All = [OpenAI, Azure, Compatible];
}
