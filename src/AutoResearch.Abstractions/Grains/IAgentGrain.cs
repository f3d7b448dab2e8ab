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

    /// <summary>
    /// Asks the agent to move to another host (<see cref="AgentMove.ToHost"/>): it journals why, takes no new ticket, lets its
    /// running experiments finish (never kills them), leaves those waiting for a slot queued in the ledger, and its loop ends
    /// with <see cref="AgentStopReason.Moving"/>; its campaign then re-activates it on that host, where it picks them up. False
    /// when it is not moving: its loop is not running, or already ending for another reason.
    /// </summary>
    Task<bool> Move(AgentMove move);

    static string KeyFor(string campaignId, string agentId) => $"{campaignId}/{agentId}";
}
