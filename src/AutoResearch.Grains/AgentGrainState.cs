using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Grains;

/// <summary>Persisted state of an agent. Its counters are rebuilt from the ledger when its loop starts.</summary>
[GenerateSerializer]
public sealed class AgentGrainState
{
    [Id(0)] public AgentAssignment? Assignment { get; set; }
    [Id(1)] public bool StopRequested { get; set; }
    [Id(2)] public AgentStatus? LastStatus { get; set; }
}
