namespace AutoResearch.Models;

/// <summary>The kinds of endpoint a model can be reached at; all speak the OpenAI chat-completions wire format (Azure on its deployment path).</summary>
public static class ModelProviders
{
    /// <summary>api.openai.com (or <see cref="ModelEndpointOptions.BaseUrl"/> when set); needs a key.</summary>
    public const string OpenAI = "openai";

    /// <summary>
    /// Azure OpenAI through the Azure OpenAI SDK (Semantic Kernel's Azure connector): the resource endpoint, a deployment,
    /// an api-version, and an API key or Microsoft Entra ID. A base URL ending in <c>/openai/v1</c> uses Azure's
    /// OpenAI-compatible v1 endpoint instead (key only).
    /// </summary>
    public const string Azure = "azure";

    /// <summary>Any OpenAI-compatible server: Ollama, vLLM, llama.cpp server, LM Studio; the key is optional.</summary>
    public const string Compatible = "compatible";

    public static readonly IReadOnlyList<string> All = [OpenAI, Azure, Compatible];
}
