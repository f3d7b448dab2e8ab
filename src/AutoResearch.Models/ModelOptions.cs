namespace AutoResearch.Models;

/// <summary>Model endpoints and how hard to try them (configuration section <c>AutoResearch:Models</c>).</summary>
public sealed class ModelOptions
{
    public const string Section = "AutoResearch:Models";

    /// <summary>Endpoints by name; agents refer to these names in <c>model</c> and <c>failover</c>.</summary>
    public Dictionary<string, ModelEndpointOptions> Endpoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Retries of one endpoint after a 429, a 5xx, a timeout or a broken answer, before failing over.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles each retry, with jitter. A server's Retry-After is honoured up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an endpoint that failed all its retries is skipped before it is tried again.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Every problem with the settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxRetries is < 0 or > 20) problems.Add($"{Section}:MaxRetries must be from 0 to 20, not {MaxRetries}");
        if (RetryBaseDelay < TimeSpan.Zero) problems.Add($"{Section}:RetryBaseDelay must not be negative");
        if (MaxRetryDelay < RetryBaseDelay) problems.Add($"{Section}:MaxRetryDelay must be at least RetryBaseDelay");
        if (Cooldown < TimeSpan.Zero) problems.Add($"{Section}:Cooldown must not be negative");
        foreach (var (name, e) in Endpoints)
        {
            var at = $"{Section}:Endpoints:{name}";
            if (!ModelProviders.All.Contains(e.Provider, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{at}:Provider '{e.Provider}' is not one of {string.Join(", ", ModelProviders.All)}");
            if (string.IsNullOrWhiteSpace(e.Model)) problems.Add($"{at}:Model is required (the model or Azure deployment name)");
            if (e.BaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                problems.Add($"{at}:BaseUrl '{url}' is not an http(s) URL");
            if (e.BaseUrl is not { Length: > 0 } && !string.Equals(e.Provider, ModelProviders.OpenAI, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{at}:BaseUrl is required for provider '{e.Provider}'");
            if (e.Authentication is not { Length: > 0 } auth || !(auth.Equals("key", StringComparison.OrdinalIgnoreCase) || auth.Equals("entra", StringComparison.OrdinalIgnoreCase)))
                problems.Add($"{at}:Authentication '{e.Authentication}' is not 'key' or 'entra'");
            else if (auth.Equals("entra", StringComparison.OrdinalIgnoreCase) && !e.UsesAzureSdk)
                problems.Add($"{at}:Authentication 'entra' needs provider 'azure' with its resource endpoint as BaseUrl (not an /openai/v1 URL)");
            if (e.ApiVersion is { Length: > 0 } version && AzureApiVersions.Parse(version) is null)
                problems.Add($"{at}:ApiVersion '{version}' is not one the Azure OpenAI SDK knows ({string.Join(", ", AzureApiVersions.Known)})");
            if (e.FirstStructuredMode is null)
                problems.Add($"{at}:StructuredOutput '{e.StructuredOutput}' is not one of auto, json_schema, tools, prompt");
            if (e.Timeout <= TimeSpan.Zero) problems.Add($"{at}:Timeout must be positive");
            if (e.MaxOutputTokens < 16) problems.Add($"{at}:MaxOutputTokens must be at least 16");
            if (e.ContextTokens < e.MaxOutputTokens + 256) problems.Add($"{at}:ContextTokens must exceed MaxOutputTokens by at least 256");
        }
        return problems;
    }
}
