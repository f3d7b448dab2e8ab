using System.Globalization;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling;

/// <summary>
/// Hands the sandbox slots and GPU devices of one host to waiting <see cref="SlotRequest"/>s by weighted fair share.
/// <para>
/// <b>Policy: hierarchical weighted fair queuing on slot-seconds.</b> Every campaign, and every agent within its campaign, has a
/// key: the slot-seconds it has held divided by its weight, where a lease still running counts at least its charge
/// (<see cref="SlotRequest.MaxDuration"/>, at least <see cref="MinimumCharge"/>) until it ends and then exactly the time it was
/// held. A free slot goes to the campaign with the lowest key, within it to the agent with the lowest key, and within the
/// agent first come, first served (the order <see cref="WaitingInOrder"/> shows). A grant raises the receiver's key, so
/// continuously backlogged campaigns (agents) get slot time in proportion to their weights, and any waiting request is
/// overtaken only by accounts whose key is at most its own; with finitely many campaigns and agents and leases that end, every
/// request that is not refused is granted. An account that had nothing waiting and nothing running for longer than
/// <see cref="IdleGrace"/> comes back at no less than the lowest usage among the active accounts beside it, so idleness earns
/// no credit (a new campaign shares the fleet from its arrival on instead of taking it over until it has caught up); shorter
/// gaps, such as a caller whose wait timed out asking again, keep their standing.
/// </para>
/// <para>
/// <b>GPUs.</b> The waiting GPU request that comes first in that order (among those under their campaign cap) is the head.
/// While the head cannot have its GPUs, no GPU request behind it gets any (CPU-only requests may still fill free slots), so
/// running GPU leases drain until the head fits: GPU requests are never starved by smaller or more frequent ones.
/// </para>
/// <para>
/// <b>Rules that hold after every call:</b> at most <see cref="Slots"/> leases, each on its own slot index; a GPU id in at
/// most one lease and each lease with exactly <see cref="SlotRequest.Gpus"/> distinct ids; a campaign never above its
/// <see cref="SlotRequest.MaxSlotsForCampaign"/> (0 = no cap); no grant when now + <see cref="SlotRequest.MaxDuration"/>
/// passes <see cref="SlotRequest.MustFinishBy"/>. Requests that can never be served (the deadline is too close, more GPUs
/// than the host has, a negative cap, GPU count or duration, a weight that is not a positive number) are refused by the next
/// <see cref="Schedule"/>. Work-conserving: after <see cref="Schedule"/> no slot is free while a waiting request under its cap
/// could take it, except GPU requests held back behind the head.
/// </para>
/// Not thread-safe (it lives inside one single-threaded grain); time is always passed in, never read from a clock.
/// </summary>
public sealed class FairShareScheduler
{
    /// <summary>The least a running lease counts toward its key, so that slots freed at the same instant are spread.</summary>
    public static readonly TimeSpan MinimumCharge = TimeSpan.FromSeconds(1);

    /// <summary>Default <see cref="IdleGrace"/>.</summary>
    public static readonly TimeSpan DefaultIdleGrace = TimeSpan.FromSeconds(30);

    private readonly List<string> _gpus;
    private readonly HashSet<string> _busyGpus = new(StringComparer.Ordinal);
    private readonly bool[] _slotBusy;
    private readonly Dictionary<long, WaitingRequest> _waiting = [];
    private readonly Dictionary<Guid, ActiveLease> _leases = [];
    private readonly Dictionary<string, ShareAccount> _campaigns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, ShareAccount>> _agents = new(StringComparer.Ordinal);
    private long _lastRequestId;
    private DateTimeOffset _latest = DateTimeOffset.MinValue;

    /// <param name="slots">Sandbox slots (CPU slots), at least 1.</param>
    /// <param name="gpuDeviceIds">GPU device ids this host hands out, distinct; may be empty.</param>
    /// <param name="idleGrace">How long an account may have nothing waiting or running and keep its standing; default 30 s.</param>
    public FairShareScheduler(int slots, IReadOnlyList<string> gpuDeviceIds, TimeSpan? idleGrace = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentNullException.ThrowIfNull(gpuDeviceIds);
        if (gpuDeviceIds.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("GPU device ids must not be empty.", nameof(gpuDeviceIds));
        if (gpuDeviceIds.Distinct(StringComparer.Ordinal).Count() != gpuDeviceIds.Count)
            throw new ArgumentException($"GPU device ids must be distinct: {string.Join(", ", gpuDeviceIds)}.", nameof(gpuDeviceIds));
        if (idleGrace < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(idleGrace), idleGrace, "The idle grace must not be negative.");
        Slots = slots;
        _slotBusy = new bool[slots];
        _gpus = [.. gpuDeviceIds];
        IdleGrace = idleGrace ?? DefaultIdleGrace;
    }

    /// <summary>Sandbox slots: the most leases held at once.</summary>
    public int Slots { get; }

    /// <summary>GPU device ids the host hands out, in the order given.</summary>
    public IReadOnlyList<string> GpuDeviceIds => _gpus;

    /// <summary>How long a campaign or agent may have nothing waiting or running and keep its fair-share standing.</summary>
    public TimeSpan IdleGrace { get; }

    /// <summary>Requests waiting now.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Leases held now.</summary>
    public int Busy => _leases.Count;

    /// <summary>Leases held now, by slot index.</summary>
    public IReadOnlyList<LeaseInfo> Leases => [.. _leases.Values.Select(l => l.Info).OrderBy(l => l.Slot)];

    /// <summary>GPU ids no lease holds, in <see cref="GpuDeviceIds"/> order.</summary>
    public IReadOnlyList<string> FreeGpuDeviceIds => [.. _gpus.Where(g => !_busyGpus.Contains(g))];

    /// <summary>Adds a waiting request; returns its id for <see cref="Cancel(long)"/> and for matching <see cref="SchedulingDecision"/>s.</summary>
    /// <remarks>Nothing is granted or refused until <see cref="Schedule"/>.</remarks>
    public long Enqueue(SlotRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.CampaignId, nameof(request));
        ArgumentNullException.ThrowIfNull(request.AgentId, nameof(request));
        Observe(now);

        if (!_campaigns.TryGetValue(request.CampaignId, out var campaign))
        {
            _campaigns[request.CampaignId] = campaign = new ShareAccount(request.CampaignId, isCampaign: true);
            _agents[request.CampaignId] = new Dictionary<string, ShareAccount>(StringComparer.Ordinal);
        }
        var agents = _agents[request.CampaignId];
        if (!agents.TryGetValue(request.AgentId, out var agent))
            agents[request.AgentId] = agent = new ShareAccount(request.AgentId, isCampaign: false);

        ComeBack(campaign, _campaigns.Values, now);
        ComeBack(agent, agents.Values, now);
        campaign.Waiting++;
        agent.Waiting++;
        var id = ++_lastRequestId;
        _waiting[id] = new WaitingRequest(id, request, now, campaign, agent);
        return id;
    }

    /// <summary>Withdraws a waiting request (its caller stopped waiting). False when it is not waiting (unknown, granted, refused or already withdrawn).</summary>
    /// <remarks>Uses the latest time this scheduler was given as the moment it was withdrawn.</remarks>
    public bool Cancel(long requestId) => Cancel(requestId, _latest);

    /// <summary>Withdraws a waiting request at <paramref name="now"/>. False when it is not waiting.</summary>
    public bool Cancel(long requestId, DateTimeOffset now)
    {
        Observe(now);
        if (!_waiting.Remove(requestId, out var waiting)) return false;
        StopWaiting(waiting, now);
        return true;
    }

    /// <summary>Refuses the waiting requests that can never be served, then grants leases while a slot is free and a request can use it.</summary>
    /// <returns>One decision per request granted or refused, refusals first, grants in the order they were made.</returns>
    public IReadOnlyList<SchedulingDecision> Schedule(DateTimeOffset now)
    {
        Observe(now);
        var decisions = new List<SchedulingDecision>();
        foreach (var waiting in _waiting.Values.OrderBy(w => w.Id).ToList())
        {
            if (WhyNever(waiting.Request, now) is not { } refusal) continue;
            _waiting.Remove(waiting.Id);
            StopWaiting(waiting, now);
            decisions.Add(new SchedulingDecision(waiting.Id, null, refusal));
        }

        while (_leases.Count < Slots && Next(now) is { } chosen)
            decisions.Add(new SchedulingDecision(chosen.Id, Grant(chosen, now), null));
        return decisions;
    }

    /// <summary>Ends a lease, crediting the time it was held to its campaign and agent. False for an unknown or already released lease.</summary>
    /// <remarks>Frees its slot and GPUs; call <see cref="Schedule"/> to hand them on.</remarks>
    public bool Release(Guid leaseId, DateTimeOffset now)
    {
        Observe(now);
        if (!_leases.Remove(leaseId, out var lease)) return false;
        lease.Campaign.Finish(lease, now);
        lease.Agent.Finish(lease, now);
        _slotBusy[lease.Info.Slot] = false;
        foreach (var gpu in lease.Info.GpuDeviceIds) _busyGpus.Remove(gpu);
        return true;
    }

    /// <summary>
    /// Ends every lease held by one agent of one campaign (its activation died with a silo, so nobody will release them);
    /// returns how many. Call <see cref="Schedule"/> to hand the slots on.
    /// </summary>
    public int ReleaseHeldBy(string campaignId, string agentId, DateTimeOffset now)
    {
        var stale = _leases.Where(l => l.Value.Info.CampaignId == campaignId && l.Value.Info.AgentId == agentId).Select(l => l.Key).ToList();
        foreach (var id in stale) Release(id, now);
        return stale.Count;
    }

    /// <summary>The waiting request ids in the order the fair share considers them at <paramref name="now"/> (before caps and GPU availability).</summary>
    public IReadOnlyList<long> WaitingInOrder(DateTimeOffset now)
    {
        var keys = Keys(now);
        return [.. _waiting.Values.OrderBy(w => keys[w.Campaign]).ThenBy(w => keys[w.Agent]).ThenBy(w => w.Id).Select(w => w.Id)];
    }

    /// <summary>Slot-seconds each campaign has held: finished leases plus the elapsed part of running ones.</summary>
    public Dictionary<string, double> CampaignSlotSeconds(DateTimeOffset now) =>
        _campaigns.Values.ToDictionary(c => c.Id, c => c.SlotSeconds(now), StringComparer.Ordinal);

    /// <summary>Slot-seconds each agent has held, keyed <c>campaign/agent</c>.</summary>
    public Dictionary<string, double> AgentSlotSeconds(DateTimeOffset now) =>
        _agents.SelectMany(c => c.Value.Values.Select(a => (Key: AgentKey(c.Key, a.Id), Seconds: a.SlotSeconds(now))))
            .ToDictionary(x => x.Key, x => x.Seconds, StringComparer.Ordinal);

    /// <summary>Key of an agent in <see cref="AgentSlotSeconds"/> and <see cref="FleetStatus.AgentSlotSeconds"/>.</summary>
    public static string AgentKey(string campaignId, string agentId) => $"{campaignId}/{agentId}";

    /// <summary>Occupancy and fair-share accounts at <paramref name="now"/>.</summary>
    public FleetStatus Snapshot(DateTimeOffset now) => new()
    {
        Slots = Slots,
        Busy = _leases.Count,
        Waiting = _waiting.Count,
        GpuDeviceIds = [.. _gpus],
        BusyGpuDeviceIds = [.. _gpus.Where(_busyGpus.Contains)],
        Leases = [.. Leases],
        Waiters = [.. _waiting.Values.OrderBy(w => w.Id).Select(w => new WaitingInfo { CampaignId = w.Request.CampaignId, AgentId = w.Request.AgentId, Since = w.EnqueuedAt })],
        CampaignSlotSeconds = CampaignSlotSeconds(now),
        AgentSlotSeconds = AgentSlotSeconds(now),
    };

    private void Observe(DateTimeOffset now)
    {
        if (now > _latest) _latest = now;
    }

    /// <summary>An account coming back after more than <see cref="IdleGrace"/> of idleness starts at the lowest usage among the active ones.</summary>
    private void ComeBack(ShareAccount account, IEnumerable<ShareAccount> peers, DateTimeOffset now)
    {
        if (account.IsActive) return;
        if (account.IdleSince is { } since && now - since <= IdleGrace) return;
        var floor = double.PositiveInfinity;
        foreach (var peer in peers)
            if (!ReferenceEquals(peer, account) && peer.IsActive) floor = Math.Min(floor, peer.Usage(now));
        if (double.IsFinite(floor) && floor > account.VirtualSeconds) account.VirtualSeconds = floor;
    }

    private static void StopWaiting(WaitingRequest waiting, DateTimeOffset now)
    {
        foreach (var account in new[] { waiting.Campaign, waiting.Agent })
        {
            account.Waiting--;
            if (!account.IsActive) account.IdleSince = now;
        }
    }

    private string? WhyNever(SlotRequest r, DateTimeOffset now)
    {
        if (r.Gpus < 0) return $"the run asks for {r.Gpus} GPUs; a GPU count cannot be negative";
        if (r.Gpus > _gpus.Count)
        {
            return _gpus.Count == 0
                ? $"the run needs {Plural(r.Gpus, "GPU")} and this host has none"
                : $"the run needs {Plural(r.Gpus, "GPU")} and this host has {_gpus.Count}";
        }
        if (r.MaxSlotsForCampaign < 0)
            return $"campaign {r.CampaignId} has a slot cap of {r.MaxSlotsForCampaign}; it must be 0 (no cap) or more";
        if (!IsWeight(r.CampaignWeight))
            return string.Create(CultureInfo.InvariantCulture, $"campaign {r.CampaignId} has weight {r.CampaignWeight}; a weight must be a positive number");
        if (!IsWeight(r.AgentWeight))
            return string.Create(CultureInfo.InvariantCulture, $"agent {r.AgentId} of campaign {r.CampaignId} has weight {r.AgentWeight}; a weight must be a positive number");
        if (r.MaxDuration < TimeSpan.Zero)
            return $"the run's longest duration {r.MaxDuration} is negative";
        if (r.MustFinishBy is { } deadline && r.MaxDuration > deadline - now)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"it could not finish before the campaign deadline {deadline:u}: it may take up to {r.MaxDuration.TotalSeconds:F0} s and only {Math.Max(0, (deadline - now).TotalSeconds):F0} s are left");
        }
        return null;
    }

    /// <summary>The request the next free slot goes to, or null when no waiting request can use one now.</summary>
    private WaitingRequest? Next(DateTimeOffset now)
    {
        var keys = Keys(now);
        WaitingRequest? cpu = null, gpu = null;
        foreach (var w in _waiting.Values)
        {
            var cap = w.Request.MaxSlotsForCampaign;
            if (cap > 0 && w.Campaign.Leases.Count >= cap) continue;
            if (w.Request.Gpus == 0)
            {
                if (cpu is null || Before(w, cpu, keys)) cpu = w;
            }
            else if (gpu is null || Before(w, gpu, keys))
            {
                gpu = w;
            }
        }
        // The head GPU request: when it cannot have its GPUs, no GPU request behind it may take any.
        if (gpu is null || gpu.Request.Gpus > _gpus.Count - _busyGpus.Count) return cpu;
        return cpu is null || Before(gpu, cpu, keys) ? gpu : cpu;
    }

    private static bool Before(WaitingRequest a, WaitingRequest b, Dictionary<ShareAccount, double> keys)
    {
        var c = keys[a.Campaign].CompareTo(keys[b.Campaign]);
        if (c != 0) return c < 0;
        c = keys[a.Agent].CompareTo(keys[b.Agent]);
        return c != 0 ? c < 0 : a.Id < b.Id;
    }

    private Dictionary<ShareAccount, double> Keys(DateTimeOffset now)
    {
        var keys = new Dictionary<ShareAccount, double>();
        foreach (var w in _waiting.Values)
        {
            if (!keys.ContainsKey(w.Campaign)) keys[w.Campaign] = w.Campaign.Key(now);
            if (!keys.ContainsKey(w.Agent)) keys[w.Agent] = w.Agent.Key(now);
        }
        return keys;
    }

    private SlotLease Grant(WaitingRequest w, DateTimeOffset now)
    {
        _waiting.Remove(w.Id);
        var slot = Array.IndexOf(_slotBusy, false);
        _slotBusy[slot] = true;
        var gpus = _gpus.Where(g => !_busyGpus.Contains(g)).Take(w.Request.Gpus).ToList();
        _busyGpus.UnionWith(gpus);
        var leaseId = Guid.NewGuid();
        var info = new LeaseInfo { CampaignId = w.Request.CampaignId, AgentId = w.Request.AgentId, Slot = slot, GpuDeviceIds = [.. gpus], Since = now };
        var charge = Math.Max(w.Request.MaxDuration.TotalSeconds, MinimumCharge.TotalSeconds);
        var lease = new ActiveLease(w.Request, info, leaseId, charge, w.Campaign, w.Agent);
        _leases[leaseId] = lease;
        foreach (var account in new[] { w.Campaign, w.Agent })
        {
            account.Waiting--;
            account.Leases.Add(lease);
            account.IdleSince = null;
        }
        return new SlotLease { LeaseId = leaseId, Slot = slot, GpuDeviceIds = gpus, GrantedAt = now };
    }

    private static bool IsWeight(double weight) => weight > 0 && double.IsFinite(weight);

    private static string Plural(int count, string noun) => count == 1 ? $"a {noun}" : $"{count} {noun}s";
}
