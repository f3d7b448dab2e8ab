using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
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
                    await CheckAsync(snapshot, stoppingToken);
                    seen = snapshot.Version;
                    lastFull = DateTime.UtcNow;
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

    private async Task CheckAsync(ClusterMembershipSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!IsLeader(snapshot, local.SiloAddress)) return;
        var open = (await ledger.ListCampaignsAsync(cancellationToken))
            .Where(c => c.State is CampaignState.Running or CampaignState.Paused).ToList();
        if (open.Count == 0) return;

        var management = grains.GetGrain<IManagementGrain>(0);
        var campaignType = grains.GetGrain<ICampaignGrain>("type").GetGrainId().Type;
        var agentType = grains.GetGrain<IAgentGrain>(IAgentGrain.KeyFor("type", "type")).GetGrainId().Type;
        var activeCampaigns = (await management.GetActiveGrains(campaignType)).Select(g => g.Key.ToString()).ToHashSet(StringComparer.Ordinal);
        var activeAgents = (await management.GetActiveGrains(agentType)).Select(g => g.Key.ToString()).ToHashSet(StringComparer.Ordinal);

        foreach (var record in open)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var campaign = grains.GetGrain<ICampaignGrain>(record.Id);
            string? why = null;
            if (!activeCampaigns.Contains(record.Id))
            {
                why = "its grain was active on no silo";
            }
            else
            {
                var status = await campaign.GetStatus();
                if (status.State is not (CampaignState.Running or CampaignState.Paused)) continue;
                var lost = status.Agents
                    .Where(a => a.State is AgentState.Running or AgentState.Idle or AgentState.Paused)
                    .Where(a => !activeAgents.Contains(IAgentGrain.KeyFor(record.Id, a.Id)))
                    .Select(a => a.Id).ToList();
                if (lost.Count > 0) why = $"its agents {string.Join(", ", lost)} were active on no silo";
            }
            if (why is null) continue;
            logger.LogWarning("Taking over campaign {CampaignId} on silo {Silo}: {Why}", record.Id, local.SiloAddress, why);
            if (activeCampaigns.Contains(record.Id))
            {
                // Its counts still include tickets the dead agents held: it re-activates and rebuilds them from the ledger first.
                await campaign.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
                for (var i = 0; i < 50 && (await management.GetActiveGrains(campaignType)).Any(g => g.Key.ToString() == record.Id); i++)
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            await campaign.Start(record.Spec);
        }
    }
}
