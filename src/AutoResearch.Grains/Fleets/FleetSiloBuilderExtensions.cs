using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AutoResearch.Grains.Fleets;

/// <summary>What every silo needs for one fleet per Docker host.</summary>
public static class FleetSiloBuilderExtensions
{
    /// <summary>
    /// The fleet directory and the placements that pin each fleet to its silo and spread agents over the hosts' slots.
    /// The silo's name (<c>SiloOptions.SiloName</c>) is its fleet's (host's) name: give each silo its own.
    /// </summary>
    public static ISiloBuilder AddFleets(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<FleetDirectory>();
        silo.Services.AddPlacementDirector<FleetPlacement, FleetPlacementDirector>();
        silo.Services.AddPlacementDirector<AgentPlacement, AgentPlacementDirector>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, UniqueHostCheck>();
        return silo;
    }
}
