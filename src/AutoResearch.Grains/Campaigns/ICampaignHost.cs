using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// What a campaign's plain classes (<see cref="CampaignSession"/>, <see cref="TicketDesk"/>, <see cref="CampaignControls"/>,
/// <see cref="CampaignHoldout"/>, <see cref="GainAllocator"/>) need from around them: the persisted state, the fleet's size,
/// its agents, and the end of the campaign (report, reminders). <see cref="CampaignGrain"/> implements it over its state,
/// grain calls and timers.
/// </summary>
public interface ICampaignHost
{
    string CampaignId { get; }

    CampaignGrainState State { get; }

    /// <summary>The host's sandbox slots (the campaign uses at most this many).</summary>
    int FleetSlots { get; }

    /// <summary>The host's disk guard, when one is registered.</summary>
    IDiskSpaceGuard? DiskGuard { get; }

    Task SaveStateAsync();

    /// <summary>(Re)starts every agent's loop with its share of workers.</summary>
    Task StartAgentsAsync();

    Task StopAgentsAsync();

    Task<AgentStatus> ControlAgentAsync(string agentId, ControlRequest request);

    /// <summary>Ends the campaign (<paramref name="final"/>, journal, ledger); with <paramref name="writeReport"/> its final report too.</summary>
    Task FinishAsync(CampaignState final, string reason, bool writeReport = true);
}
