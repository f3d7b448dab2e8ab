using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Grains.Fleets;

/// <summary>One live host's load as one campaign sees it: the host's slots and demand, and this campaign's agents there.</summary>
/// <param name="AgentsWaiting">This campaign's agents with requests waiting for a slot here, and how many each.</param>
/// <param name="AgentsLeasing">This campaign's agents holding slots here, and how many each.</param>
public sealed record HostLoad(string Host, int Slots, int Busy, int Waiting,
    IReadOnlyDictionary<string, int> AgentsWaiting, IReadOnlyDictionary<string, int> AgentsLeasing)
{
    /// <summary>Slots neither leased nor wanted by a waiting request.</summary>
    public int Free => Math.Max(0, Slots - Busy - Waiting);

    /// <summary>Leases and waiting requests: what the host is asked for.</summary>
    public int Demand => Busy + Waiting;

    /// <summary>An agent's demand here (its leases and waiting requests): what it takes along when it moves.</summary>
    public int DemandOf(string agentId) => AgentsWaiting.GetValueOrDefault(agentId) + AgentsLeasing.GetValueOrDefault(agentId);

    /// <summary>
    /// The fleet's status seen by campaign <paramref name="campaignId"/>: an agent leases and waits only on the fleet of the
    /// silo it is active on, so its requests here say it lives here.
    /// </summary>
    public static HostLoad From(FleetStatus status, string campaignId) => new(status.Host, Math.Max(1, status.Slots), status.Busy, status.Waiting,
        status.Waiters.Where(w => w.CampaignId == campaignId).GroupBy(w => w.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        status.Leases.Where(l => l.CampaignId == campaignId).GroupBy(l => l.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
}

/// <summary>A move the campaign should make: <paramref name="AgentId"/> from its host to one with free slots.</summary>
public sealed record AgentMovePlan(string AgentId, string FromHost, string ToHost, int FreeSlots, int Waiting)
{
    public AgentMove ToRequest() => new() { ToHost = ToHost, FreeSlots = FreeSlots, FromHost = FromHost, Waiting = Waiting };
}

/// <summary>
/// Decides when one campaign moves one of its agents to another host. Agents are placed when they activate, so a host that
/// joins a running campaign raises its capacity but runs nothing until an agent lives there: when a host has had free slots
/// for <see cref="FreeFor"/> while another has this campaign's agents waiting for slots, one of those agents moves.
/// <para>
/// Rules: at most one move at a time (<see cref="Started"/> … <see cref="Finished"/>) and none within <see cref="Cooldown"/>
/// of the last; the agent moved is one with requests waiting on the busiest host (most waiting, then fewest leases: it is
/// gone soonest, as its running experiments finish first); and a move is made only when it lowers demand per slot: the host
/// it goes to will have less demand per slot with it than the host it leaves has now, and the requests that cannot get a
/// slot (over both hosts, demand above slots) become fewer. That count falls with every move, so no agent is moved back and
/// forth while the load stands still.
/// </para>
/// Not thread-safe (it lives in one campaign grain); time is passed in.
/// </summary>
public sealed class AgentRebalancer
{
    /// <summary>How long a host must have had free slots before an agent moves there (a host just joined, or slots freed for a moment, are not enough).</summary>
    public static readonly TimeSpan FreeFor = TimeSpan.FromSeconds(15);

    /// <summary>The least time between the end of one move and the next.</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, DateTimeOffset> _freeSince = new(StringComparer.Ordinal);
    private DateTimeOffset _quietUntil = DateTimeOffset.MinValue;

    /// <summary>The agent whose move is under way; null when none is.</summary>
    public string? InFlight { get; private set; }

    /// <summary>
    /// Looks at the hosts now (call it every few seconds: how long a host has been free is measured between calls) and says
    /// which agent to move where, or null.
    /// </summary>
    public AgentMovePlan? Decide(DateTimeOffset now, IReadOnlyList<HostLoad> hosts)
    {
        foreach (var gone in _freeSince.Keys.Where(h => !hosts.Any(l => l.Host == h && l.Free > 0)).ToList())
            _freeSince.Remove(gone);
        foreach (var host in hosts.Where(h => h.Free > 0))
            _freeSince.TryAdd(host.Host, now);
        if (InFlight is not null || now < _quietUntil) return null;

        var targets = hosts.Where(h => h.Free > 0 && now - _freeSince[h.Host] >= FreeFor)
            .OrderByDescending(h => h.Free).ThenBy(PerSlot).ThenBy(h => h.Host, StringComparer.Ordinal).ToList();
        var sources = hosts.Where(h => h.AgentsWaiting.Count > 0)
            .OrderByDescending(PerSlot).ThenByDescending(h => h.Waiting).ThenBy(h => h.Host, StringComparer.Ordinal).ToList();
        foreach (var to in targets)
        {
            foreach (var from in sources.Where(s => s.Host != to.Host))
            {
                var agent = from.AgentsWaiting.Keys
                    .OrderByDescending(a => from.AgentsWaiting[a]).ThenBy(a => from.AgentsLeasing.GetValueOrDefault(a)).ThenBy(a => a, StringComparer.Ordinal)
                    .FirstOrDefault(a => LowersDemand(from, to, from.DemandOf(a)));
                if (agent is not null)
                    return new AgentMovePlan(agent, from.Host, to.Host, to.Free, from.Waiting);
            }
        }
        return null;
    }

    /// <summary>
    /// True when moving demand <paramref name="moved"/> from <paramref name="from"/> to <paramref name="to"/> lowers demand per
    /// slot: the new host will be less loaded per slot than the old one is now, and fewer requests are left without a slot.
    /// </summary>
    public static bool LowersDemand(HostLoad from, HostLoad to, int moved)
    {
        if (moved <= 0) return false;
        var lower = (double)(to.Demand + moved) / to.Slots < PerSlot(from);
        var excessBefore = Excess(from.Demand, from.Slots) + Excess(to.Demand, to.Slots);
        var excessAfter = Excess(from.Demand - moved, from.Slots) + Excess(to.Demand + moved, to.Slots);
        return lower && excessAfter < excessBefore;
    }

    /// <summary>A move of <paramref name="agentId"/> is under way: no other starts until it is <see cref="Finished"/>.</summary>
    public void Started(string agentId) => InFlight = agentId;

    /// <summary>The move under way is over (the agent runs on its new host, or ended otherwise), or one asked for was refused: the cooldown starts.</summary>
    public void Finished(DateTimeOffset now)
    {
        InFlight = null;
        _quietUntil = now + Cooldown;
    }

    private static double PerSlot(HostLoad host) => (double)host.Demand / host.Slots;

    private static int Excess(int demand, int slots) => Math.Max(0, demand - slots);
}
