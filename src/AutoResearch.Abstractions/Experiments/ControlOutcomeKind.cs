namespace AutoResearch.Abstractions.Experiments;

/// <summary>What applying a control request did: decided by the campaign, stored next to its text, never read back from it.</summary>
[GenerateSerializer, Alias("AutoResearch.ControlOutcomeKind")]
public enum ControlOutcomeKind
{
    /// <summary>The request changed the campaign or agent (paused, resumed, stopped, budget set).</summary>
    Applied = 0,

    /// <summary>The request could not be applied (unknown agent, campaign over, no budget value...).</summary>
    Refused = 1,

    /// <summary>Nothing to do (e.g. resume while already running).</summary>
    NoOp = 2,
}
