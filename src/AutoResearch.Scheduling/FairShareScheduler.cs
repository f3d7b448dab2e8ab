using System.Globalization;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling;

/// <summary>
/// Hands the sandbox slots and GPU devices of one Docker host to waiting requests.
/// <para>
/// Policy: weighted fair share, hierarchical. Among waiting requests the next one served belongs to the campaign with the
/// lowest (slots held now ÷ campaign weight), ties broken by (slot-seconds received so far ÷ weight); within that campaign to
/// the agent with the lowest (slots held ÷ agent weight), then (slot-seconds ÷ weight); then first come, first served. Backlogged
/// agents with equal run lengths therefore hold slots in proportion to their weights, and nobody is starved: every grant
/// raises the receiver's share, so a waiting agent becomes the most deserving after finitely many grants.
/// </para>
/// <para>
/// Rules that always hold: at most <see cref="Slots"/> leases; a GPU id in at most one lease; a campaign never above its cap;
/// no grant when now + <see cref="SlotRequest.MaxDuration"/> passes <see cref="SlotRequest.MustFinishBy"/> (refused for good);
/// a request for more GPUs than the host has is refused at once; work-conserving — after <see cref="Schedule"/> no slot is free
/// while a waiting request could use it. GPU requests are not starved by CPU-only ones: while the most deserving GPU request
/// waits for devices, no other GPU request may take devices (CPU-only requests may still fill free slots, and every GPU lease
/// that ends frees a slot and its devices together).
/// </para>
/// Not thread-safe: it lives inside one grain. Time is passed in.
/// </summary>
public sealed class FairShareScheduler
{
    private readonly List<string> _gpus;
    private readonly Dictionary<long, Pending> _waiting = [];
    private readonly Dictionary<Guid, Held> _leases = [];
    private readonly Dictionary<string, double> _campaignSeconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _agentSeconds = new(StringComparer.Ordinal);
    private long _nextRequest;
    private long _arrival;

    public FairShareScheduler(int slots, IReadOnlyList<string> gpuDeviceIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentNullException.ThrowIfNull(gpuDeviceIds);
        if (gpuDeviceIds.Distinct(StringComparer.Ordinal).Count() != gpuDeviceIds.Count)
            throw new ArgumentException($"GPU device ids must be distinct: {string.Join(", ", gpuDeviceIds)}.", nameof(gpuDeviceIds));
        Slots = slots;
        _gpus = [.. gpuDeviceIds];
    }

    public int Slots { get; }

    public IReadOnlyList<string> GpuDeviceIds => _gpus;

    public int Waiting => _waiting.Count;

    public IReadOnlyCollection<LeaseInfo> Leases => _leases.Values.Select(h => h.Info).ToList();

    public IEnumerable<string> FreeGpus => _gpus.Where(g => !_leases.Values.Any(l => l.Info.GpuDeviceIds.Contains(g)));

    /// <summary>Adds a waiting request; returns its id for <see cref="Cancel"/> and for matching <see cref="SchedulingDecision"/>s.</summary>
    public long Enqueue(SlotRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = ++_nextRequest;
        _waiting[id] = new Pending(id, request, now, ++_arrival);
        return id;
    }

    /// <summary>Withdraws a waiting request (its caller stopped waiting). False when it is no longer waiting.</summary>
    public bool Cancel(long requestId) => _waiting.Remove(requestId);

    /// <summary>Grants what can be granted now and refuses what never can; returns those decisions.</summary>
    public IReadOnlyList<SchedulingDecision> Schedule(DateTimeOffset now)
    {
        var decisions = new List<SchedulingDecision>();
        foreach (var w in _waiting.Values.OrderBy(w => w.Arrival).ToList())
        {
            if (WhyNever(w.Request, now) is { } refusal)
            {
                _waiting.Remove(w.Id);
                decisions.Add(new SchedulingDecision(w.Id, null, refusal));
            }
        }

        while (_leases.Count < Slots && _waiting.Count > 0)
        {
            var gpusBlocked = false;
            Pending? chosen = null;
            foreach (var w in Ordered(now))
            {
                if (!UnderCap(w.Request)) continue;
                if (w.Request.Gpus > 0)
                {
                    if (gpusBlocked) continue;
                    if (FreeGpus.Count() < w.Request.Gpus)
                    {
                        // The most deserving GPU request waits for devices: keep other GPU requests off them.
                        gpusBlocked = true;
                        continue;
                    }
                }
                chosen = w;
                break;
            }
            if (chosen is null) break;
            _waiting.Remove(chosen.Id);
            decisions.Add(new SchedulingDecision(chosen.Id, Grant(chosen.Request, now), null));
        }
        return decisions;
    }

    /// <summary>Ends a lease, crediting its slot-seconds to its campaign and agent. False for an unknown lease.</summary>
    public bool Release(Guid leaseId, DateTimeOffset now)
    {
        if (!_leases.Remove(leaseId, out var held)) return false;
        var seconds = Math.Max(0, (now - held.Info.Since).TotalSeconds);
        Add(_campaignSeconds, held.Info.CampaignId, seconds);
        Add(_agentSeconds, AgentKey(held.Info.CampaignId, held.Info.AgentId), seconds);
        return true;
    }

    /// <summary>Slot-seconds each campaign has held (finished leases plus the elapsed part of running ones).</summary>
    public Dictionary<string, double> CampaignSlotSeconds(DateTimeOffset now)
    {
        var result = new Dictionary<string, double>(_campaignSeconds, StringComparer.Ordinal);
        foreach (var l in _leases.Values) Add(result, l.Info.CampaignId, Math.Max(0, (now - l.Info.Since).TotalSeconds));
        return result;
    }

    /// <summary>Slot-seconds each agent (<c>campaign/agent</c>) has held.</summary>
    public Dictionary<string, double> AgentSlotSeconds(DateTimeOffset now)
    {
        var result = new Dictionary<string, double>(_agentSeconds, StringComparer.Ordinal);
        foreach (var l in _leases.Values) Add(result, AgentKey(l.Info.CampaignId, l.Info.AgentId), Math.Max(0, (now - l.Info.Since).TotalSeconds));
        return result;
    }

    public FleetStatus Snapshot(DateTimeOffset now) => new()
    {
        Slots = Slots,
        Busy = _leases.Count,
        Waiting = _waiting.Count,
        GpuDeviceIds = [.. _gpus],
        BusyGpuDeviceIds = [.. _leases.Values.SelectMany(l => l.Info.GpuDeviceIds)],
        Leases = [.. _leases.Values.Select(l => l.Info).OrderBy(l => l.Slot)],
        CampaignSlotSeconds = CampaignSlotSeconds(now),
        AgentSlotSeconds = AgentSlotSeconds(now),
    };

    private string? WhyNever(SlotRequest r, DateTimeOffset now)
    {
        if (r.Gpus < 0) return $"a run cannot need {r.Gpus} GPUs";
        if (r.Gpus > _gpus.Count)
            return r.Gpus == 1 && _gpus.Count == 0
                ? "the run needs a GPU and this host has none"
                : $"the run needs {r.Gpus} GPUs and this host has {_gpus.Count}";
        if (r.MaxSlotsForCampaign < 0) return $"invalid slot cap {r.MaxSlotsForCampaign} for campaign {r.CampaignId}";
        if (r.MustFinishBy is { } deadline && now + r.MaxDuration > deadline)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"it could not finish before the campaign deadline {deadline:u}: it may take up to {r.MaxDuration.TotalSeconds:F0} s and only {Math.Max(0, (deadline - now).TotalSeconds):F0} s are left");
        }
        return null;
    }

    private bool UnderCap(SlotRequest r) =>
        r.MaxSlotsForCampaign == 0 || _leases.Values.Count(l => l.Info.CampaignId == r.CampaignId) < r.MaxSlotsForCampaign;

    private IEnumerable<Pending> Ordered(DateTimeOffset now)
    {
        var campaignSeconds = CampaignSlotSeconds(now);
        var agentSeconds = AgentSlotSeconds(now);
        var campaignHeld = _leases.Values.GroupBy(l => l.Info.CampaignId).ToDictionary(g => g.Key, g => g.Count());
        var agentHeld = _leases.Values.GroupBy(l => AgentKey(l.Info.CampaignId, l.Info.AgentId)).ToDictionary(g => g.Key, g => g.Count());
        return _waiting.Values
            .OrderBy(w => campaignHeld.GetValueOrDefault(w.Request.CampaignId) / Weight(w.Request.CampaignWeight))
            .ThenBy(w => campaignSeconds.GetValueOrDefault(w.Request.CampaignId) / Weight(w.Request.CampaignWeight))
            .ThenBy(w => agentHeld.GetValueOrDefault(AgentKey(w.Request.CampaignId, w.Request.AgentId)) / Weight(w.Request.AgentWeight))
            .ThenBy(w => agentSeconds.GetValueOrDefault(AgentKey(w.Request.CampaignId, w.Request.AgentId)) / Weight(w.Request.AgentWeight))
            .ThenBy(w => w.Arrival)
            .ToList();
    }

    private SlotLease Grant(SlotRequest r, DateTimeOffset now)
    {
        var usedSlots = _leases.Values.Select(l => l.Info.Slot).ToHashSet();
        var slot = Enumerable.Range(0, Slots).First(i => !usedSlots.Contains(i));
        var gpus = FreeGpus.Take(r.Gpus).ToList();
        var lease = new SlotLease { LeaseId = Guid.NewGuid(), Slot = slot, GpuDeviceIds = gpus, GrantedAt = now };
        _leases[lease.LeaseId] = new Held(new LeaseInfo { CampaignId = r.CampaignId, AgentId = r.AgentId, Slot = slot, GpuDeviceIds = gpus, Since = now });
        return lease;
    }

    private static double Weight(double w) => w > 0 && double.IsFinite(w) ? w : 1;

    private static string AgentKey(string campaignId, string agentId) => $"{campaignId}/{agentId}";

    private static void Add(Dictionary<string, double> map, string key, double value) => map[key] = map.GetValueOrDefault(key) + value;

    private sealed record Pending(long Id, SlotRequest Request, DateTimeOffset Since, long Arrival);

    private sealed record Held(LeaseInfo Info);
}
