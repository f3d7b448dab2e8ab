namespace AutoResearch.Models;

/// <summary>Reads an endpoint's key from its environment variable or secret file; never from a spec file, never logged.</summary>
internal static class ApiKeys
{
    public static string? Resolve(ModelEndpointOptions endpoint)
    {
        if (endpoint.ApiKeyVariable is { Length: > 0 } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            return value.Trim();
        if (endpoint.ApiKeyFile is { Length: > 0 } file && File.Exists(file))
        {
            var text = File.ReadAllText(file).Trim();
            if (text.Length > 0) return text;
        }
        return null;
    }

    /// <summary>Where the key is looked for, in words (never the key).</summary>
    public static string Describe(ModelEndpointOptions endpoint) =>
        (endpoint.ApiKeyVariable, endpoint.ApiKeyFile) switch
        {
            ({ Length: > 0 } v, { Length: > 0 } f) => $"set environment variable {v} or put the key in {f}",
            ({ Length: > 0 } v, _) => $"set environment variable {v}",
            (_, { Length: > 0 } f) => $"put the key in {f}",
            _ => "configure ApiKeyVariable or ApiKeyFile for it",
        };

    /// <summary><paramref name="text"/> with the endpoint's key, if it appears, replaced by <c>***</c>.</summary>
    public static string Scrub(string text, ModelEndpointOptions endpoint) =>
        Resolve(endpoint) is { Length: >= 4 } key ? text.Replace(key, "***", StringComparison.Ordinal) : text;
}
