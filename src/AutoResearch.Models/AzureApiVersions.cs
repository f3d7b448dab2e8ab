using Azure.AI.OpenAI;

namespace AutoResearch.Models;

/// <summary>The Azure OpenAI <c>api-version</c> labels the SDK can send, as written in the URL (<c>2024-10-21</c>, <c>2025-04-01-preview</c>).</summary>
public static class AzureApiVersions
{
    /// <summary>Every label the SDK knows, oldest first.</summary>
    public static IReadOnlyList<string> Known { get; } =
        [.. Enum.GetValues<AzureOpenAIClientOptions.ServiceVersion>().Select(Label).Order(StringComparer.Ordinal)];

    /// <summary>The SDK's version for <paramref name="label"/>, or null when it knows none by that label.</summary>
    public static AzureOpenAIClientOptions.ServiceVersion? Parse(string label)
    {
        foreach (var version in Enum.GetValues<AzureOpenAIClientOptions.ServiceVersion>())
        {
            if (string.Equals(Label(version), label.Trim(), StringComparison.OrdinalIgnoreCase)) return version;
        }
        return null;
    }

    /// <summary><c>V2025_04_01_Preview</c> → <c>2025-04-01-preview</c>.</summary>
    private static string Label(AzureOpenAIClientOptions.ServiceVersion version) =>
        version.ToString().TrimStart('V').Replace('_', '-').ToLowerInvariant();
}
