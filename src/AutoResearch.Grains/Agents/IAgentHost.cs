using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Agents;

/// <summary>
/// What an agent's research loop needs from around it: the agent's persisted settings (assignment, pause and stop flags, the
/// budget in force), its campaign (tickets, status, results), the fleet (sandbox slots) and a place to keep its status.
/// <see cref="AgentGrain"/> implements it over grain calls (with <see cref="TransientRetry"/>); tests script it, so the
/// pipeline (<see cref="AgentWorkLoop"/>, <see cref="ExperimentPipeline"/>) runs without a silo.
/// </summary>
public interface IAgentHost
{
    AgentAssignment Assignment { get; }

    /// <summary>Paused by a person: starts nothing new until resumed.</summary>
    bool Paused { get; }

    bool StopRequested { get; }

    /// <summary>The agent's budget in force (the spec's, or a later change).</summary>
    BudgetSpec Budget { get; }

    Task<CampaignStatus> ReadCampaignAsync(CancellationToken cancellationToken = default);

    Task<ExperimentTicket> RequestTicketAsync(TicketRequest request, CancellationToken cancellationToken);

    /// <summary>One wait for a slot: a lease, a refusal, or neither (nothing free yet: ask again).</summary>
    Task<SlotGrant> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken);

    Task ReleaseSlotAsync(Guid leaseId);

    /// <summary>Gives back slots an earlier run of this agent held (its host died).</summary>
    Task ReleaseStaleSlotsAsync(CancellationToken cancellationToken);

    Task ReportFinishedAsync(ExperimentRecord experiment, AgentStatus status);

    /// <summary>Keeps the agent's status where a restart finds it.</summary>
    Task SaveStatusAsync(AgentStatus status);

    /// <summary>Called by each worker at the top of its loop: the agent is busy, keep it alive.</summary>
    void KeepAlive();

    /// <summary>Takes the oldest configuration a person queued for this agent (it becomes the next proposal); null when none waits.</summary>
    Task<QueuedConfiguration?> TakeConfigurationAsync();
}
