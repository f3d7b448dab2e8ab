namespace AutoResearch.Abstractions.Experiments;

/// <summary>What made a proposal: recorded with it (and its experiment) so nothing has to read it back from the proposer's name.</summary>
[GenerateSerializer, Alias("AutoResearch.ProposalOrigin")]
public enum ProposalOrigin
{
    /// <summary>A built-in optimizer (or the campaign: baseline, repeat, held-out run).</summary>
    Strategy = 0,

    /// <summary>A model answered.</summary>
    Model = 1,

    /// <summary>A model agent's built-in fallback optimizer, while no model answered.</summary>
    Fallback = 2,

    /// <summary>A model agent's fallback optimizer during a back-off after rejected model answers.</summary>
    BackOff = 3,

    /// <summary>A model agent's fallback optimizer after its rejection allowance was used up.</summary>
    RejectionsUsedUp = 4,

    /// <summary>A person's configuration ("try this next"), queued through the control queue for this agent (or any).</summary>
    Person = 5,
}
