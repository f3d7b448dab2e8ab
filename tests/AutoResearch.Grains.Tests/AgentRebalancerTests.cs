using System.Net;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Grains.Fleets;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AutoResearch.Grains.Tests;

/// <summary>When a campaign moves one of its agents to a host with free slots (<see cref="AgentRebalancer"/>).</summary>
public sealed class AgentRebalancerTests
{
    private const string Campaign = "c1";
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A host's status: its slots, and per agent of <see cref="Campaign"/> (or another campaign) its leases and waiting requests.</summary>
    private static FleetStatus Host(string name, int slots, params (string Campaign, string Agent, int Leases, int Waiting)[] agents) => new()
    {
        Host = name,
        Slots = slots,
        Busy = agents.Sum(a => a.Leases),
        Waiting = agents.Sum(a => a.Waiting),
        Leases = [.. agents.SelectMany(a => Enumerable.Range(0, a.Leases).Select(i => new LeaseInfo { CampaignId = a.Campaign, AgentId = a.Agent, Slot = i, Since = T0 }))],
        Waiters = [.. agents.SelectMany(a => Enumerable.Range(0, a.Waiting).Select(_ => new WaitingInfo { CampaignId = a.Campaign, AgentId = a.Agent, Since = T0 }))],
    };

    private static List<HostLoad> Loads(params FleetStatus[] hosts) => [.. hosts.Select(h => HostLoad.From(h, Campaign))];

    /// <summary>The first host with 1 slot: agent a runs one, agent b waits; the new host "new" has 2 free slots.</summary>
    private static List<HostLoad> OneSlotBusyNewHostFree() => Loads(
        Host("old", 1, (Campaign, "a", 1, 0), (Campaign, "b", 0, 1)),
        Host("new", 2));

    [Fact]
    public void A_host_free_for_15_s_takes_the_waiting_agent_of_a_busy_host_and_not_before()
    {
        var rebalancer = new AgentRebalancer();
        Assert.Null(rebalancer.Decide(T0, OneSlotBusyNewHostFree()));
        Assert.Null(rebalancer.Decide(T0 + AgentRebalancer.FreeFor - TimeSpan.FromSeconds(1), OneSlotBusyNewHostFree()));

        var plan = rebalancer.Decide(T0 + AgentRebalancer.FreeFor, OneSlotBusyNewHostFree());

        // b waits and holds nothing (gone at once); a runs an experiment: it stays.
        Assert.Equal(new AgentMovePlan("b", "old", "new", FreeSlots: 2, Waiting: 1), plan);
        Assert.Equal("Moving to host new: it has 2 free slots while host old has 1 waiting. Experiments already running here finish first; those waiting for a slot go with me.",
            plan!.ToRequest().Describe());
    }

    [Fact]
    public void A_host_that_was_busy_in_between_must_be_free_for_15_s_again()
    {
        var rebalancer = new AgentRebalancer();
        Assert.Null(rebalancer.Decide(T0, OneSlotBusyNewHostFree()));
        // Another campaign takes both slots for a moment.
        Assert.Null(rebalancer.Decide(T0 + TimeSpan.FromSeconds(10),
            Loads(Host("old", 1, (Campaign, "a", 1, 0), (Campaign, "b", 0, 1)), Host("new", 2, ("other", "x", 2, 0)))));
        Assert.Null(rebalancer.Decide(T0 + TimeSpan.FromSeconds(12), OneSlotBusyNewHostFree()));
        Assert.Null(rebalancer.Decide(T0 + TimeSpan.FromSeconds(20), OneSlotBusyNewHostFree()));
        Assert.NotNull(rebalancer.Decide(T0 + TimeSpan.FromSeconds(27), OneSlotBusyNewHostFree()));
    }

    [Fact]
    public void Nothing_moves_without_a_free_host_without_waiting_agents_of_this_campaign_or_with_one_host()
    {
        var later = T0 + AgentRebalancer.FreeFor;
        // No free slot anywhere: "new" is full with another campaign's runs.
        AssertNoMove(Loads(Host("old", 1, (Campaign, "a", 1, 0), (Campaign, "b", 0, 1)), Host("new", 2, ("other", "x", 2, 0))));
        // A free host, but the waiting requests on the busy one are another campaign's.
        AssertNoMove(Loads(Host("old", 1, (Campaign, "a", 1, 0), ("other", "x", 0, 2)), Host("new", 2)));
        // A free host, and this campaign's agents run without waiting.
        AssertNoMove(Loads(Host("old", 2, (Campaign, "a", 1, 0), (Campaign, "b", 1, 0)), Host("new", 2)));
        // A free slot on the host where the agents wait is no reason to move.
        AssertNoMove(Loads(Host("old", 3, (Campaign, "a", 1, 0), (Campaign, "b", 0, 1))));
        // A host whose free slots are spoken for by waiting requests has none free.
        AssertNoMove(Loads(Host("old", 1, (Campaign, "a", 1, 0), (Campaign, "b", 0, 1)), Host("new", 2, ("other", "x", 0, 2))));

        void AssertNoMove(List<HostLoad> hosts)
        {
            var rebalancer = new AgentRebalancer();
            rebalancer.Decide(T0, hosts);
            Assert.Null(rebalancer.Decide(later, hosts));
        }
    }

    [Fact]
    public void An_agent_moves_only_where_that_lowers_demand_per_slot()
    {
        // 4 slots: a runs 3 and waits for 2 more, b runs 1 and waits for 1 (7 asked of 4 slots); "new" has 2 free slots.
        var hosts = Loads(Host("old", 4, (Campaign, "a", 3, 2), (Campaign, "b", 1, 1)), Host("new", 2));
        var rebalancer = new AgentRebalancer();
        rebalancer.Decide(T0, hosts);

        // a waits the most, but takes 5 along: 2.5 per slot on "new" against 1.75 on "old" now. b takes 2: 1 per slot.
        Assert.False(AgentRebalancer.LowersDemand(hosts[0], hosts[1], hosts[0].DemandOf("a")));
        Assert.True(AgentRebalancer.LowersDemand(hosts[0], hosts[1], hosts[0].DemandOf("b")));
        Assert.Equal("b", rebalancer.Decide(T0 + AgentRebalancer.FreeFor, hosts)?.AgentId);

        // a runs 1 and waits for 1 on a 1-slot host; "new" has 1 free slot: moving both of a's there only moves its wait.
        var even = Loads(Host("old", 1, (Campaign, "a", 1, 1)), Host("new", 2, ("other", "x", 1, 0)));
        Assert.False(AgentRebalancer.LowersDemand(even[0], even[1], even[0].DemandOf("a")));
    }

    [Fact]
    public void One_move_at_a_time_then_a_cooldown()
    {
        var rebalancer = new AgentRebalancer();
        var hosts = Loads(Host("old", 1, (Campaign, "a", 1, 0), (Campaign, "b", 0, 1), (Campaign, "c", 0, 1)), Host("new", 4));
        rebalancer.Decide(T0, hosts);
        var first = rebalancer.Decide(T0 + AgentRebalancer.FreeFor, hosts);
        Assert.NotNull(first);
        rebalancer.Started(first.AgentId);
        Assert.Equal(first.AgentId, rebalancer.InFlight);

        // Still under way: the other waiting agent does not move yet, however long it takes.
        Assert.Null(rebalancer.Decide(T0 + TimeSpan.FromMinutes(2), hosts));
        var done = T0 + TimeSpan.FromMinutes(2);
        rebalancer.Finished(done);
        // It runs on "new" now.
        hosts = Loads(Host("old", 1, (Campaign, "a", 1, 0), (Campaign, "c", 0, 1)), Host("new", 4, (Campaign, first.AgentId, 1, 0)));
        Assert.Null(rebalancer.InFlight);
        Assert.Null(rebalancer.Decide(done + AgentRebalancer.Cooldown - TimeSpan.FromSeconds(1), hosts));
        var second = rebalancer.Decide(done + AgentRebalancer.Cooldown, hosts);
        Assert.Equal(("b", "c"), (first.AgentId, second?.AgentId));
    }

    [Fact]
    public void A_moved_agent_is_not_moved_back()
    {
        // Two 1-slot hosts. b moved from "old" to "new"; now each host runs one of the agents and a waits for a second slot on "old".
        var rebalancer = new AgentRebalancer();
        var after = Loads(Host("old", 1, (Campaign, "a", 1, 1)), Host("new", 1, (Campaign, "b", 1, 0)));
        rebalancer.Decide(T0, after);
        Assert.Null(rebalancer.Decide(T0 + TimeSpan.FromMinutes(5), after));

        // b's runs finish and "new" has a free slot while a still waits on "old": moving a (2 asked of 1 slot) to "new" would
        // leave "old" idle and one request waiting on "new": demand per slot not lowered, so a stays.
        var bDone = Loads(Host("old", 1, (Campaign, "a", 1, 1)), Host("new", 1));
        rebalancer.Decide(T0 + TimeSpan.FromMinutes(6), bDone);
        Assert.Null(rebalancer.Decide(T0 + TimeSpan.FromMinutes(7), bDone));

        // Whatever the load, a move followed by the same move back never lowers the requests without a slot twice.
        var random = new Random(7);
        var lowered = 0;
        for (var i = 0; i < 2000; i++)
        {
            var source = new HostLoad("x", random.Next(1, 5), random.Next(0, 6), random.Next(1, 6), new Dictionary<string, int>(), new Dictionary<string, int>());
            var target = new HostLoad("y", random.Next(1, 5), random.Next(0, 6), random.Next(0, 6), new Dictionary<string, int>(), new Dictionary<string, int>());
            var moved = random.Next(1, source.Demand + 1);
            if (!AgentRebalancer.LowersDemand(source, target, moved)) continue;
            lowered++;
            var sourceAfter = source with { Busy = source.Demand - moved, Waiting = 0 };
            var targetAfter = target with { Busy = target.Demand + moved, Waiting = 0 };
            Assert.False(AgentRebalancer.LowersDemand(targetAfter, sourceAfter, moved), $"moving {moved} from {source} to {target} and back");
        }
        Assert.True(lowered > 100, $"only {lowered} of 2000 random loads had a move that lowers demand");
    }
}

/// <summary>The placement of an agent honours a campaign's hint for the host it moves to.</summary>
public sealed class AgentPlacementHintTests
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(1, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + i), 1))];

    [Fact]
    public async Task A_hint_naming_a_compatible_silo_places_the_agent_there_and_one_naming_another_is_ignored()
    {
        // No fleet answers here: without a hint the director falls back to its own choice among the compatible silos.
        var fleets = new FleetDirectory(null!, null!, null!, null!, TimeProvider.System, NullLogger<FleetDirectory>.Instance);
        var director = new AgentPlacementDirector(fleets, TimeProvider.System);
        var compatible = new Context(Silos[..2]);
        PlacementTarget Target(SiloAddress? hint) => new(GrainId.Create("agent", "c/a"),
            hint is null ? null! : new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = hint }, default, 0);

        Assert.Equal(Silos[1], await director.OnAddActivation(new AgentPlacement(), Target(Silos[1]), compatible));
        Assert.Equal(Silos[0], await director.OnAddActivation(new AgentPlacement(), Target(Silos[0]), compatible));
        var unhinted = await director.OnAddActivation(new AgentPlacement(), Target(null), compatible);
        Assert.Contains(unhinted, Silos[..2]);
        // A silo that is not compatible (gone, or not a host of this grain) is no hint.
        Assert.Contains(await director.OnAddActivation(new AgentPlacement(), Target(Silos[2]), compatible), Silos[..2]);
    }

    private sealed class Context(SiloAddress[] compatible) : IPlacementContext
    {
        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => compatible;
        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) => new Dictionary<ushort, SiloAddress[]> { [0] = compatible };
        public SiloAddress LocalSilo => compatible[0];
        public SiloStatus LocalSiloStatus => SiloStatus.Active;
    }
}
