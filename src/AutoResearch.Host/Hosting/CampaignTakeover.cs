using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Core.Internal;
using Orleans.Runtime;

namespace AutoResearch.Host.Hosting;

/// <summary>
/// Keeps a cluster's campaigns alive without a person: one silo at a time (the active silo with the lowest address, so all
/// agree without talking) looks, whenever the membership changes and every <see cref="FullCheckEvery"/>, for campaigns the
/// ledger says are running or paused whose grain is active nowhere (its silo died), or whose agents still working are active
/// nowhere, and calls <see cref="ICampaignGrain.Start"/> on them (a live campaign is deactivated first, so that it rebuilds
/// its counts from the ledger without the dead agents' tickets): the campaign re-activates from its stored state, rebuilds
/// from the ledger and restarts its agents (idempotent for agents that are alive), and interrupted experiments are re-run.
/// Front ends (CLI <c>run</c>, console) only observe; this is what keeps a campaign going when the silo holding it dies.
/// </summary>
public sealed class CampaignTakeover(
    IGrainFactory grains,
    ILedger ledger,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IHostApplicationLifetime lifetime,
    ILogger<CampaignTakeover> logger) : BackgroundService
{
    /// <summary>How often the membership version is looked at.</summary>
    public static TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the campaigns are checked when the membership did not change.</summary>
    public static TimeSpan FullCheckEvery { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long one look (where grains are active, a campaign's status) may wait. A silo killed with -9 stays Active in the
    /// membership until the others vote it dead, and a call to it waits until then or until Orleans' response timeout (30 s):
    /// bounded, the next round (after <see cref="PollEvery"/>) asks again instead of the takeover waiting on the dead silo.
    /// </summary>
    public static TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Takeovers whose <see cref="ICampaignGrain.Start"/> has not answered yet: not started again meanwhile.</summary>
    private readonly Dictionary<string, Task> _starting = new(StringComparer.Ordinal);

    /// <summary>
    /// How many silos were dead when each campaign was last started here. A campaign rebuilt since the last death holds no
    /// ticket of a dead agent: to start an agent whose start timed out it is only started again, not deactivated first.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _startedWithDead = new(StringComparer.Ordinal);

    /// <summary>
    /// Campaigns taken over that are not whole yet: the next takeover waits (2 s, doubling up to <see cref="FullCheckEvery"/>),
    /// so a campaign that cannot be made whole (an agent that fails to activate) is not restarted every poll.
    /// </summary>
    private readonly Dictionary<string, (DateTime NotBefore, TimeSpan Delay)> _backoff = new(StringComparer.Ordinal);
    private int _deadSeen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        MembershipVersion? seen = null;
        var lastFull = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var snapshot = membership.CurrentSnapshot;
            if (snapshot.Version != seen || DateTime.UtcNow - lastFull >= FullCheckEvery)
            {
                try
                {
                    // Until every campaign it took over is whole again (its start answered, its agents active), it looks again
                    // at the next poll rather than at the next membership change or full check.
                    if (await CheckAsync(snapshot, stoppingToken))
                    {
                        seen = snapshot.Version;
                        lastFull = DateTime.UtcNow;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A silo that just died may still be in the directory: the next round tries again.
                    logger.LogWarning(ex, "Campaign takeover check failed; trying again");
                }
            }
            await Task.Delay(PollEvery, stoppingToken);
        }
    }

    /// <summary>True when this silo is the one that takes campaigns over (the active silo with the lowest address).</summary>
    public static bool IsLeader(ClusterMembershipSnapshot snapshot, SiloAddress self) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).Min() is { } leader && leader.Equals(self);

    /// <summary>Looks at every open campaign and takes over those that lost their grain or agents; true when all are whole.</summary>
    private async Task<bool> CheckAsync(ClusterMembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!IsLeader(snapshot, local.SiloAddress)) return true;
        var open = (await ledger.ListCampaignsAsync(cancellationToken))
            .Where(c => c.State is CampaignState.Running or CampaignState.Paused).ToList();
        if (open.Count == 0) return true;
        var whole = true;
        // Another silo died: whatever waited is a new problem and is looked at now.
        if (Dead(snapshot) != _deadSeen)
        {
            _deadSeen = Dead(snapshot);
            _backoff.Clear();
        }

        var management = grains.GetGrain<IManagementGrain>(0);
        var campaignType = grains.GetGrain<ICampaignGrain>("type").GetGrainId().Type;
        var agentType = grains.GetGrain<IAgentGrain>(IAgentGrain.KeyFor("type", "type")).GetGrainId().Type;
        var activeCampaigns = (await management.GetActiveGrains(campaignType).AsTask().WaitAsync(CallTimeout, cancellationToken)).Select(g => g.Key.ToString()).ToHashSet(StringComparer.Ordinal);
        var activeAgents = (await management.GetActiveGrains(agentType).AsTask().WaitAsync(CallTimeout, cancellationToken)).Select(g => g.Key.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var done in _starting.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList()) _starting.Remove(done);

        foreach (var record in open)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_starting.ContainsKey(record.Id))
            {
                whole = false;
                continue;
            }
            var campaign = grains.GetGrain<ICampaignGrain>(record.Id);
            string? why = null;
            if (!activeCampaigns.Contains(record.Id))
            {
                why = "its grain was active on no silo";
            }
            else
            {
                var status = await campaign.GetStatus().WaitAsync(CallTimeout, cancellationToken);
                if (status.State is not (CampaignState.Running or CampaignState.Paused)) continue;
                var lost = status.Agents
                    // An agent between its move's end and its start on another host is the live campaign's to start.
                    .Where(a => a.State is AgentState.Running or AgentState.Idle or AgentState.Paused && a.StopReason != AgentStopReason.Moving)
                    .Where(a => !activeAgents.Contains(IAgentGrain.KeyFor(record.Id, a.Id)))
                    .Select(a => a.Id).ToList();
                if (lost.Count > 0) why = $"its agents {string.Join(", ", lost)} were active on no silo";
            }
            if (why is null)
            {
                _backoff.Remove(record.Id);
                continue;
            }
            whole = false;
            var tried = _backoff.TryGetValue(record.Id, out var last);
            if (tried && DateTime.UtcNow < last.NotBefore) continue;
            var delay = tried ? TimeSpan.FromTicks(Math.Min(FullCheckEvery.Ticks, last.Delay.Ticks * 2)) : PollEvery;
            _backoff[record.Id] = (DateTime.UtcNow + delay, delay);
            logger.LogWarning("Taking over campaign {CampaignId} on silo {Silo}: {Why}", record.Id, local.SiloAddress, why);
            var dead = Dead(snapshot);
            var rebuiltSinceLastDeath = _startedWithDead.TryGetValue(record.Id, out var deadThen) && deadThen == dead;
            if (activeCampaigns.Contains(record.Id) && !rebuiltSinceLastDeath)
            {
                // Its counts still include tickets the dead agents held: it re-activates and rebuilds them from the ledger first.
                await campaign.AsReference<IGrainManagementExtension>().DeactivateOnIdle().AsTask().WaitAsync(CallTimeout, cancellationToken);
                for (var i = 0; i < 50 && (await management.GetActiveGrains(campaignType).AsTask().WaitAsync(CallTimeout, cancellationToken)).Any(g => g.Key.ToString() == record.Id); i++)
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            // A start re-activates the campaign from its state and the ledger and starts its agents, which may take long on a big
            // ledger: it is not started again while it runs, and a slow one does not hold up the other campaigns' takeovers.
            var start = StartAsync(campaign, record.Id, record.Spec, dead);
            _starting[record.Id] = start;
            await Task.WhenAny(start, Task.Delay(CallTimeout, cancellationToken));
        }
        return whole;
    }

    private static int Dead(ClusterMembershipSnapshot snapshot) => snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead);

    private async Task StartAsync(ICampaignGrain campaign, string id, CampaignSpec spec, int deadAtStart)
    {
        try
        {
            await campaign.Start(spec);
            _startedWithDead[id] = deadAtStart;
            logger.LogInformation("Took over campaign {CampaignId} on silo {Silo}", id, local.SiloAddress);
        }
        catch (Exception ex)
        {
            // The next round sees it still without a live grain or agents and starts it again.
            logger.LogWarning(ex, "Taking over campaign {CampaignId} failed; trying again", id);
        }
    }
}
