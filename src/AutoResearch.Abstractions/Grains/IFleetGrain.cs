namespace AutoResearch.Abstractions.Grains;

/// <summary>The sandbox slots of a Docker host, handed out one experiment at a time. Key: fleet name.</summary>
public interface IFleetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Waits up to <paramref name="wait"/> for a slot (and GPUs), served by weighted fair share across campaigns and agents.
    /// Returns a lease, <see cref="SlotGrant.Wait"/> (ask again), or a refusal (deadline too close, more GPUs than the fleet has).
    /// </summary>
    Task<SlotGrant> Acquire(SlotRequest request, TimeSpan wait);

    Task Release(Guid leaseId);

    /// <summary>
    /// Ends the leases an agent still holds from an earlier activation that died with its silo (an agent calls it when its loop
    /// starts, when none of its experiments can be running); returns how many were ended.
    /// </summary>
    Task<int> ReleaseHeldBy(string campaignId, string agentId);

    Task<FleetStatus> GetStatus();
}
