namespace AutoResearch.Models;

/// <summary>
/// One configured model endpoint (configuration <c>AutoResearch:Models:Endpoints:NAME</c>). Agents name endpoints, never
/// URLs or keys: the key is read from an environment variable or a secret file when the call is made, and never logged.
/// </summary>
public sealed class ModelEndpointOptions
{
    /// <summary><c>openai</c>, <c>azure</c> or <c>compatible</c> (see <see cref="ModelProviders"/>).</summary>
    public string Provider { get; set; } = ModelProviders.Compatible;

    /// <summary>
    /// The OpenAI-compatible base URL (ending in <c>/v1</c> for most servers); optional for <c>openai</c>. For <c>azure</c>: the
    /// resource endpoint (<c>https://RESOURCE.openai.azure.com/</c>), reached through the Azure OpenAI SDK on the deployment
    /// path; a URL ending in <c>/openai/v1</c> is Azure's OpenAI-compatible v1 endpoint, reached like any compatible server.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Model name, sent as <c>model</c> (Azure: the deployment name unless <see cref="Deployment"/> is set).</summary>
    public string Model { get; set; } = "";

    /// <summary>Azure OpenAI deployment name; defaults to <see cref="Model"/>.</summary>
    public string? Deployment { get; set; }

    /// <summary>Azure OpenAI <c>api-version</c> (e.g. <c>2024-10-21</c>); empty for the SDK's default. See <see cref="AzureApiVersions"/>.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>
    /// Azure OpenAI authentication: <c>key</c> (default: <see cref="ApiKeyVariable"/>/<see cref="ApiKeyFile"/>) or <c>entra</c>
    /// (Microsoft Entra ID through Azure.Identity's <c>DefaultAzureCredential</c>: managed identity, workload identity,
    /// environment credentials, Azure CLI…; no key is read).
    /// </summary>
    public string Authentication { get; set; } = "key";

    /// <summary>Environment variable holding the API key (e.g. <c>OPENAI_API_KEY</c>).</summary>
    public string? ApiKeyVariable { get; set; }

    /// <summary>File holding the API key (e.g. a mounted secret such as <c>/run/secrets/openai</c>); used when the variable is unset.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>How long one attempt may take before it counts as a timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most completion tokens asked for per call.</summary>
    public int MaxOutputTokens { get; set; } = 2048;

    /// <summary>
    /// How structured answers are asked for: <c>auto</c> (default: <c>response_format: json_schema</c>, strict, stepping down to
    /// a required tool call and then to the prompt alone when the server refuses), <c>json_schema</c>, <c>tools</c> or
    /// <c>prompt</c> (start there; refusals still step down).
    /// </summary>
    public string StructuredOutput { get; set; } = "auto";

    /// <summary>The model's context window in tokens; prompts are trimmed to fit it with room for the answer.</summary>
    public int ContextTokens { get; set; } = 16384;

    internal Uri? EffectiveBaseUrl =>
        BaseUrl is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/")
        : string.Equals(Provider, ModelProviders.OpenAI, StringComparison.OrdinalIgnoreCase) ? new Uri("https://api.openai.com/v1/")
        : null;

    internal bool KeyRequired => !string.Equals(Provider, ModelProviders.Compatible, StringComparison.OrdinalIgnoreCase) && !UsesEntraId;

    internal bool IsAzure => string.Equals(Provider, ModelProviders.Azure, StringComparison.OrdinalIgnoreCase);

    /// <summary>Azure through the Azure OpenAI SDK (deployment path); false for Azure's OpenAI-compatible <c>/openai/v1</c> endpoint.</summary>
    internal bool UsesAzureSdk => IsAzure && !(BaseUrl ?? "").TrimEnd('/').EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase);

    internal bool UsesEntraId => UsesAzureSdk && string.Equals(Authentication, "entra", StringComparison.OrdinalIgnoreCase);

    internal StructuredOutputMode? FirstStructuredMode => StructuredOutput.Trim().ToLowerInvariant() switch
    {
        "auto" or "json_schema" or "" => StructuredOutputMode.JsonSchema,
        "tools" => StructuredOutputMode.ToolCall,
        "prompt" => StructuredOutputMode.Prompt,
        _ => null,
    };

    internal string EffectiveDeployment => Deployment is { Length: > 0 } d ? d : Model;
}
