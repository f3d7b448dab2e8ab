namespace AutoResearch.Abstractions.Grains;

/// <summary>A research agent running propose → run → record → reflect. Key: <c>{campaignId}/{agentId}</c>.</summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, after a restart, resumes) the agent's loop. Idempotent.</summary>
    Task Start(AgentAssignment assignment);

    Task<AgentStatus> GetStatus();

    Task Stop();

    /// <summary>Pause, resume, stop, or change the agent's budget. Running experiments always finish.</summary>
    Task<AgentStatus> Control(Experiments.ControlRequest request);

    static string KeyFor(string campaignId, string agentId) => $"{campaignId}/{agentId}";
}
