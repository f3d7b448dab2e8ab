using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AutoResearch.Grains.Fleets;

/// <summary>
/// Placement of a fleet grain: on the silo whose name (<c>SiloOptions.SiloName</c>, the Docker host's fleet name) is the
/// grain's key, never anywhere else. A fleet hands out the slots of its own host's Docker daemon, so it must live where that
/// host's runner starts containers: with no live silo of that name the activation is refused
/// (<see cref="SiloUnavailableException"/>, retried by callers), so a dead host's fleet is simply gone.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.FleetPlacement")]
public sealed class FleetPlacement : PlacementStrategy
{
    internal static readonly FleetPlacement Instance = new();
}

/// <summary>Places the grain with <see cref="FleetPlacement"/>: on the live silo named by its key.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class FleetPlacementAttribute() : PlacementAttribute(FleetPlacement.Instance);

/// <summary>Chooses the silo for <see cref="FleetPlacement"/>.</summary>
public sealed class FleetPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var host = target.GrainIdentity.Key.ToString()!;
        var compatible = context.GetCompatibleSilos(target);
        var silo = FleetHosts.SiloOf(membership.CurrentSnapshot, host);
        if (silo is null || !compatible.Contains(silo))
            throw new SiloUnavailableException($"No live silo is named '{host}': the fleet of that Docker host cannot be activated anywhere else.");
        return Task.FromResult(silo);
    }
}

/// <summary>Names of the live hosts (silos) of the cluster, one fleet each.</summary>
public static class FleetHosts
{
    /// <summary>
    /// The live silos by name; where a restarted silo's old entry is still active beside the new one, the newest generation.
    /// </summary>
    public static IReadOnlyDictionary<string, SiloAddress> Live(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !string.IsNullOrEmpty(m.Name))
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(m => m.SiloAddress.Generation)!.SiloAddress, StringComparer.Ordinal);

    /// <summary>The live silo named <paramref name="host"/>, or null.</summary>
    public static SiloAddress? SiloOf(ClusterMembershipSnapshot snapshot, string host) =>
        Live(snapshot).GetValueOrDefault(host);
}
