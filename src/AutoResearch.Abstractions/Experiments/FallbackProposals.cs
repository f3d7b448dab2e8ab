namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// How a model agent's proposals made by its built-in fallback optimizer (while no model answers) are named, recognised in
/// the ledger, and described as the agent's model problem — one place for the proposer, the grain and the ledger status.
/// </summary>
public static class FallbackProposals
{
    public const string Suffix = " (fallback)";

    /// <summary>The proposer name recorded for a fallback proposal, e.g. <c>tpe (fallback)</c>.</summary>
    public static string ProposerName(string strategy) => strategy + Suffix;

    public static bool IsFallback(string proposerName) => proposerName.EndsWith(Suffix, StringComparison.Ordinal);

    /// <summary>The model problem a fallback proposal stands for, e.g. <c>no model answers; tpe (fallback) proposes</c>.</summary>
    public static string Problem(string proposerName) => $"no model answers; {proposerName} proposes";

    public const string BackOffSuffix = " (back-off)";
    public const string ExhaustedSuffix = " (rejections used up)";

    /// <summary>The proposer name of a proposal made during a back-off after rejected model answers, e.g. <c>tpe (back-off)</c>.</summary>
    public static string BackOffName(string strategy) => strategy + BackOffSuffix;

    /// <summary>The proposer name of a proposal made after the agent's rejection allowance was used up, e.g. <c>tpe (rejections used up)</c>.</summary>
    public static string ExhaustedName(string strategy) => strategy + ExhaustedSuffix;

    public static bool IsBackOff(string proposerName) => proposerName.EndsWith(BackOffSuffix, StringComparison.Ordinal);

    public static bool IsExhausted(string proposerName) => proposerName.EndsWith(ExhaustedSuffix, StringComparison.Ordinal);
}
