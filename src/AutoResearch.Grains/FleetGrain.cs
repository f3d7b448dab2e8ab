using AutoResearch.Abstractions.Grains;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AutoResearch.Grains;

/// <summary>
/// Hands out the sandbox slots of one Docker host, first come first served, with a per-campaign cap.
/// Reentrant so that waiting acquirers do not block releases. Not persisted: leases die with the process.
/// </summary>
[Reentrant]
public sealed class FleetGrain(IOptions<FleetOptions> options) : Grain, IFleetGrain
{
    private readonly int _slots = Math.Max(1, options.Value.Slots);
    private readonly Dictionary<Guid, Lease> _leases = [];
    private readonly LinkedList<Waiter> _waiters = new();

    public async Task<SlotGrant> Acquire(SlotRequest request, TimeSpan wait) => new() { Lease = await Acquire(request.CampaignId, request.AgentId, request.MaxSlotsForCampaign, wait) };

    private async Task<SlotLease?> Acquire(string campaignId, string agentId, int maxSlotsForCampaign, TimeSpan wait)
    {
        var cap = maxSlotsForCampaign <= 0 ? _slots : Math.Min(maxSlotsForCampaign, _slots);
        if (_waiters.Count == 0 && TryGrant(campaignId, agentId, cap) is { } immediate)
            return immediate;

        var waiter = new Waiter(campaignId, agentId, cap, new TaskCompletionSource<SlotLease>(TaskCreationOptions.RunContinuationsAsynchronously));
        var node = _waiters.AddLast(waiter);
        await Task.WhenAny(waiter.Completion.Task, Task.Delay(wait));
        if (waiter.Completion.Task.IsCompletedSuccessfully)
            return waiter.Completion.Task.Result;
        if (node.List is not null)
            _waiters.Remove(node);
        return null;
    }

    public Task Release(Guid leaseId)
    {
        if (_leases.Remove(leaseId))
            ServeWaiters();
        return Task.CompletedTask;
    }

    public Task<FleetStatus> GetStatus() =>
        Task.FromResult(new FleetStatus { Slots = _slots, Busy = _leases.Count, Waiting = _waiters.Count });

    private void ServeWaiters()
    {
        var node = _waiters.First;
        while (node is not null && _leases.Count < _slots)
        {
            var next = node.Next;
            var w = node.Value;
            if (TryGrant(w.CampaignId, w.AgentId, w.Cap) is { } lease)
            {
                _waiters.Remove(node);
                w.Completion.TrySetResult(lease);
            }
            node = next;
        }
    }

    private SlotLease? TryGrant(string campaignId, string agentId, int cap)
    {
        if (_leases.Count >= _slots) return null;
        if (_leases.Values.Count(l => l.CampaignId == campaignId) >= cap) return null;
        var used = _leases.Values.Select(l => l.Slot).ToHashSet();
        var slot = Enumerable.Range(0, _slots).First(i => !used.Contains(i));
        var lease = new SlotLease { LeaseId = Guid.NewGuid(), Slot = slot };
        _leases[lease.LeaseId] = new Lease(campaignId, agentId, slot);
        return lease;
    }

    private sealed record Lease(string CampaignId, string AgentId, int Slot);

    private sealed record Waiter(string CampaignId, string AgentId, int Cap, TaskCompletionSource<SlotLease> Completion);
}
