namespace AutoResearch.Abstractions.Grains;

/// <summary>What an agent is doing.</summary>
[GenerateSerializer, Alias("AutoResearch.AgentState")]
public enum AgentState
{
    Idle = 0,
    Running = 1,

    /// <summary>The campaign granted no more experiments, or the agent's budget is spent.</summary>
    Done = 2,
    Stopped = 3,

    /// <summary>Paused by a person (or its campaign is paused): starts nothing new until resumed.</summary>
    Paused = 4,
}
