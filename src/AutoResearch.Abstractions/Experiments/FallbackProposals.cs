namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// How a model agent's proposals made by its built-in fallback optimizer (while no model answers) are named (recognised by
/// <see cref="ProposalOrigin.Fallback"/>, never by the name), and described as the agent's model problem — one place for the proposer, the grain and the ledger status.
/// </summary>
public static class FallbackProposals
{
    public const string Suffix = " (fallback)";

    /// <summary>The proposer name recorded for a fallback proposal, e.g. <c>tpe (fallback)</c>.</summary>
    public static string ProposerName(string strategy) => strategy + Suffix;

    /// <summary>Whether the experiment's proposal came from its agent's fallback optimizer (its recorded origin, not its name).</summary>
    public static bool IsFallback(ExperimentRecord experiment) => experiment.Origin == ProposalOrigin.Fallback;

    /// <summary>The model problem a fallback proposal stands for, e.g. <c>no model answers; tpe (fallback) proposes</c>.</summary>
    public static string Problem(string proposerName) => $"no model answers; {proposerName} proposes";

    public const string BackOffSuffix = " (back-off)";
    public const string ExhaustedSuffix = " (rejections used up)";

    /// <summary>The proposer name of a proposal made during a back-off after rejected model answers, e.g. <c>tpe (back-off)</c>.</summary>
    public static string BackOffName(string strategy) => strategy + BackOffSuffix;

    /// <summary>The proposer name of a proposal made after the agent's rejection allowance was used up, e.g. <c>tpe (rejections used up)</c>.</summary>
    public static string ExhaustedName(string strategy) => strategy + ExhaustedSuffix;

    /// <summary>Whether the experiment's proposal was made during a back-off (its recorded origin, not its name).</summary>
    public static bool IsBackOff(ExperimentRecord experiment) => experiment.Origin == ProposalOrigin.BackOff;

    /// <summary>Whether the experiment's proposal was made after the rejection allowance was used up (its recorded origin).</summary>
    public static bool IsExhausted(ExperimentRecord experiment) => experiment.Origin == ProposalOrigin.RejectionsUsedUp;
}
