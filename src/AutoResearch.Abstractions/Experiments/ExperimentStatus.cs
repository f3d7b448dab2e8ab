namespace AutoResearch.Abstractions.Experiments;

/// <summary>Lifecycle of one experiment in the ledger.</summary>
[GenerateSerializer, Alias("AutoResearch.ExperimentStatus")]
public enum ExperimentStatus
{
    /// <summary>Proposed and recorded, waiting for a sandbox slot.</summary>
    Queued = 0,

    /// <summary>Its container exists or is about to.</summary>
    Running = 1,

    Succeeded = 2,
    Failed = 3,

    /// <summary>Stopped early by the benchmark's early-stopping rule: its intermediate points were hopeless.</summary>
    Pruned = 4,

    /// <summary>
    /// Proposed and recorded, but its cost is over the campaign's approval threshold: it waits (holding no sandbox slot) until a
    /// researcher approves it (then <see cref="Queued"/>) or rejects it (then failed, <see cref="FailureKind.RejectedByPerson"/>).
    /// </summary>
    AwaitingApproval = 5,
}
