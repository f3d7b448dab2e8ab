namespace AutoResearch.Abstractions.Grains;

/// <summary>The sandbox slots of a Docker host, handed out one experiment at a time. Key: fleet name.</summary>
public interface IFleetGrain : IGrainWithStringKey
{
    /// <summary>Waits up to <paramref name="wait"/> for a free slot; null if none came free (ask again).</summary>
    Task<SlotLease?> Acquire(string campaignId, string agentId, int maxSlotsForCampaign, TimeSpan wait);

    Task Release(Guid leaseId);

    Task<FleetStatus> GetStatus();
}
