using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AutoResearch.Grains.Fleets;

/// <summary>
/// Placement of an agent grain: spread over the hosts by their fleets' slots. An agent leases its slots from the fleet of
/// the silo it is active on, so where it lives decides which Docker host runs its experiments. The silo chosen is the one
/// with the least demand per slot, where demand is its fleet's leases and waiting requests (a few seconds old) plus the
/// agents this silo placed there in the last <see cref="AgentPlacementDirector.RecentWindow"/> (whose requests the fleets
/// do not show yet); ties go to the host with more slots. So a campaign's agents started together go to a 1-slot and a
/// 2-slot host 1 : 2, and agents re-activated after a silo died go to the survivors with free slots. A placement hint
/// (<see cref="IPlacementDirector.PlacementHintKey"/> in the request context, set by a campaign moving an agent to a host with
/// free slots) naming a compatible silo is honoured.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.AgentPlacement")]
public sealed class AgentPlacement : PlacementStrategy
{
    internal static readonly AgentPlacement Instance = new();
}

/// <summary>Places the grain with <see cref="AgentPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class AgentPlacementAttribute() : PlacementAttribute(AgentPlacement.Instance);

/// <summary>Chooses the silo for <see cref="AgentPlacement"/>.</summary>
public sealed class AgentPlacementDirector(FleetDirectory fleets, TimeProvider clock) : IPlacementDirector
{
    /// <summary>How long a placement made here counts as demand on its silo.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly List<(SiloAddress Silo, DateTimeOffset At)> _recent = [];

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hinted)
        {
            lock (_lock) _recent.Add((hinted, clock.GetUtcNow()));
            return hinted;
        }
        if (compatible.Length == 1) return compatible[0];
        var view = await fleets.TryGetAsync(TimeSpan.FromSeconds(2));
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            _recent.RemoveAll(r => now - r.At > RecentWindow);
            var chosen = Choose(compatible, view, _recent.Select(r => r.Silo).ToList());
            _recent.Add((chosen, now));
            return chosen;
        }
    }

    /// <summary>
    /// The silo with the least demand per slot (ties: more slots, then the lower address). A silo whose fleet did not answer
    /// the last look is chosen only when no fleet answered: it is most often a silo that died and is not yet declared dead (a process killed
    /// with -9 stays Active in the membership for 10-40 s), and an agent placed there would wait on it until then.
    /// </summary>
    public static SiloAddress Choose(IReadOnlyList<SiloAddress> candidates, IReadOnlyList<FleetView> fleets, IReadOnlyList<SiloAddress> recentlyPlaced)
    {
        return candidates
            .Select(silo =>
            {
                var fleet = fleets.FirstOrDefault(f => f.Silo.Equals(silo));
                var slots = Math.Max(1, fleet?.Status.Slots ?? 1);
                var demand = (fleet is null ? 0 : fleet.Status.Busy + fleet.Status.Waiting) + recentlyPlaced.Count(s => s.Equals(silo));
                return (Silo: silo, Answered: fleet is { Answered: true }, PerSlot: (double)demand / slots, Slots: slots);
            })
            .OrderByDescending(c => c.Answered).ThenBy(c => c.PerSlot).ThenByDescending(c => c.Slots).ThenBy(c => c.Silo)
            .First().Silo;
    }
}
