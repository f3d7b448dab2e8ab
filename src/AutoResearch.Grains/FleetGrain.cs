using AutoResearch.Abstractions.Grains;
using AutoResearch.Grains.Fleets;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AutoResearch.Grains;

/// <summary>
/// The sandbox slots and GPU devices of one Docker host, handed to experiments by <see cref="FairShareScheduler"/>: weighted
/// fair share across campaigns and agents, never one GPU to two experiments, never a start that cannot finish before its
/// campaign's deadline. One per silo: keyed by the silo's name and pinned to that silo (<see cref="FleetPlacement"/>), so its
/// slots are those of the Docker daemon the silo's runner uses, and only that silo's agents lease from it. Reentrant so that
/// waiting acquirers do not block releases.
/// <para>
/// Its scheduler (leases, GPU ids, fair-share accounts) lives in the silo's <see cref="FleetDirectory"/>, not in the
/// activation: a fleet deactivated and re-activated (always on the same silo) takes its leases up again, and a release of a
/// lease granted before is honoured. Nothing is written to storage: the leases die with the process, and so do the agents
/// that held them (their experiments are re-run by agents re-activated elsewhere, leasing from their new host's fleet).
/// </para>
/// </summary>
[Reentrant]
[FleetPlacement]
public sealed class FleetGrain(FleetDirectory directory, IOptions<FleetOptions> options, TimeProvider clock, ILogger<FleetGrain> logger) : Grain, IFleetGrain
{
    private readonly Dictionary<long, TaskCompletionSource<SlotGrant>> _waiters = [];
    private FairShareScheduler? _scheduler;

    private FairShareScheduler Scheduler => _scheduler ?? throw new InvalidOperationException("The fleet is not activated.");
    private string Host => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Host != directory.LocalHost)
            throw new InvalidOperationException($"The fleet of host '{Host}' was activated on silo '{directory.LocalHost}'; a fleet lives only on its own host's silo.");
        if (directory.LocalScheduler is { } kept)
        {
            // Re-activated: the leases stand. Requests the previous activation was waiting on have no caller any more.
            foreach (var id in kept.WaitingInOrder(clock.GetUtcNow())) kept.Cancel(id, clock.GetUtcNow());
            _scheduler = kept;
            logger.LogInformation("Fleet {Fleet} re-activated with {Busy} of {Slots} slots leased", Host, kept.Busy, kept.Slots);
        }
        else
        {
            var gpus = options.Value.GpuDeviceIds.ToList();
            if (gpus.Count == 0 && options.Value.DiscoverGpus)
            {
                gpus = [.. await GpuDiscovery.DiscoverAsync(cancellationToken)];
                if (gpus.Count > 0)
                    logger.LogInformation("Fleet discovered {GpuCount} GPUs with nvidia-smi: {GpuDeviceIds}", gpus.Count, gpus);
            }
            _scheduler = directory.LocalScheduler = new FairShareScheduler(Math.Max(1, options.Value.Slots), gpus);
            logger.LogInformation("Fleet {Fleet} has {Slots} sandbox slots and {GpuCount} GPUs", Host, _scheduler.Slots, gpus.Count);
        }
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<SlotGrant> Acquire(SlotRequest request, TimeSpan wait)
    {
        var id = Scheduler.Enqueue(request, clock.GetUtcNow());
        var completion = new TaskCompletionSource<SlotGrant>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[id] = completion;
        Dispatch();
        if (!completion.Task.IsCompleted)
            await Task.WhenAny(completion.Task, Task.Delay(wait));
        if (completion.Task.IsCompleted)
            return await completion.Task;

        // Timed out: withdraw the request. A grant can only happen inside Dispatch on this (single-threaded) activation,
        // so after Cancel nothing can grant it any more.
        _waiters.Remove(id);
        Scheduler.Cancel(id);
        return SlotGrant.Wait;
    }

    public Task Release(Guid leaseId)
    {
        if (Scheduler.Release(leaseId, clock.GetUtcNow()))
            Dispatch();
        return Task.CompletedTask;
    }

    public Task<int> ReleaseHeldBy(string campaignId, string agentId)
    {
        var released = Scheduler.ReleaseHeldBy(campaignId, agentId, clock.GetUtcNow());
        if (released > 0)
        {
            logger.LogWarning("Fleet released {Count} slots agent {AgentId} of campaign {CampaignId} held from before its restart", released, agentId, campaignId);
            Dispatch();
        }
        return Task.FromResult(released);
    }

    public Task<FleetStatus> GetStatus() => Task.FromResult(Scheduler.Snapshot(clock.GetUtcNow()) with { Host = Host });

    private void Dispatch()
    {
        foreach (var decision in Scheduler.Schedule(clock.GetUtcNow()))
        {
            if (!_waiters.Remove(decision.RequestId, out var waiter))
            {
                // Nobody waits for it any more (cannot happen: cancelled requests leave the scheduler); do not leak the slot.
                if (decision.Lease is { } orphan) Scheduler.Release(orphan.LeaseId, clock.GetUtcNow());
                continue;
            }
            waiter.TrySetResult(new SlotGrant { Lease = decision.Lease is { } lease ? lease with { Host = Host } : null, Refusal = decision.Refusal });
        }
    }
}
