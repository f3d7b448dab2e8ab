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
}
