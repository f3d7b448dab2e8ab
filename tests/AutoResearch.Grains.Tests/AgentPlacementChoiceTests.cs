using System.Net;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Grains.Fleets;
using Orleans.Runtime;

namespace AutoResearch.Grains.Tests;

/// <summary>Where <see cref="AgentPlacementDirector.Choose"/> puts an agent.</summary>
public sealed class AgentPlacementChoiceTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
    private static readonly SiloAddress C = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11113), 1);

    private static FleetView Fleet(SiloAddress silo, int slots, int busy, int waiting = 0) =>
        new(silo, new FleetStatus { Slots = slots, Busy = busy, Waiting = waiting, Host = silo.ToString() });

    [Fact]
    public void The_least_demand_per_slot_wins_and_a_tie_goes_to_more_slots()
    {
        Assert.Equal(B, AgentPlacementDirector.Choose([A, B], [Fleet(A, 2, 2), Fleet(B, 2, 1)], []));
        Assert.Equal(B, AgentPlacementDirector.Choose([A, B], [Fleet(A, 1, 0), Fleet(B, 2, 0)], []));
        // Agents placed a moment ago count as demand before their fleet shows them.
        Assert.Equal(A, AgentPlacementDirector.Choose([A, B], [Fleet(A, 2, 0), Fleet(B, 2, 0)], [B, B]));
    }

    [Fact]
    public void A_silo_whose_fleet_did_not_answer_is_not_chosen_while_another_answered_even_a_full_one()
    {
        // C looks empty only because its fleet said nothing: most often a silo killed and not yet declared dead.
        Assert.Equal(A, AgentPlacementDirector.Choose([A, C], [Fleet(A, 1, 1, waiting: 3)], []));
        Assert.Equal(B, AgentPlacementDirector.Choose([C, A, B], [Fleet(A, 2, 2), Fleet(B, 2, 1)], []));
    }

    [Fact]
    public void When_no_fleet_answered_the_lowest_address_is_chosen()
    {
        Assert.Equal(A, AgentPlacementDirector.Choose([C, B, A], [], []));
    }
}
