namespace AutoResearch.Abstractions.Models;

/// <summary>No model in the failover list answered: each was retried and given up on.</summary>
public sealed class ModelsUnavailableException(IReadOnlyList<string> failures, long tokensCharged)
    : Exception("no model answered: " + string.Join("; ", failures))
{
    /// <summary>One line per endpoint, e.g. <c>gpt-a: HTTP 500 ×4</c>.</summary>
    public IReadOnlyList<string> Failures { get; } = failures;

    /// <summary>Tokens the failed attempts still cost (servers that answered with usage before failing).</summary>
    public long TokensCharged { get; } = tokensCharged;
}
