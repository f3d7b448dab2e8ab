using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains;

/// <summary>Persisted state of an agent. Its counters are rebuilt from the ledger when its loop starts.</summary>
[GenerateSerializer, Alias("AutoResearch.AgentGrainState")]
public sealed class AgentGrainState
{
    [Id(0)] public AgentAssignment? Assignment { get; set; }
    [Id(1)] public bool StopRequested { get; set; }
    [Id(2)] public AgentStatus? LastStatus { get; set; }

    /// <summary>Paused by a person: starts nothing new until resumed.</summary>
    [Id(3)] public bool Paused { get; set; }

    /// <summary>The agent's budget after changes made while the campaign runs; null means the spec's.</summary>
    [Id(4)] public BudgetSpec? Budget { get; set; }

    /// <summary>People's configurations waiting to be this agent's next proposals, oldest first.</summary>
    [Id(5)] public List<AutoResearch.Grains.Agents.QueuedConfiguration> Configurations { get; set; } = [];
}
