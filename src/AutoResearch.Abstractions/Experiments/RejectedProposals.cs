namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// Proposals rejected before they ran (an unusable model answer, invalid parameters, a failing proposer). They stay in the
/// ledger (their tokens and reasons are facts) but are no experiments: they do not count toward <c>max_experiments</c> or
/// the succeeded/failed counts; they use the agent's proposal-attempt allowance instead (<see cref="ModelTurnPolicy"/>).
/// </summary>
public static class RejectedProposals
{
    /// <summary>True for a proposal refused before it was ever started in a sandbox.</summary>
    public static bool IsRejectedProposal(this ExperimentRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Failure == FailureKind.Rejected && e.Attempt == 0 && e.Kind == ExperimentKind.Proposal;
    }
}
