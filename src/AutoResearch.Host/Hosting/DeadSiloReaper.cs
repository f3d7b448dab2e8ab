using AutoResearch.Abstractions.Ports;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AutoResearch.Host.Hosting;

/// <summary>
/// In a cluster, every silo removes, from its own Docker host, the sandboxes of silos the membership declared dead (their
/// containers carry <c>autoresearch.silo</c>): where several silos share a Docker host, a dead silo's runs do not hold
/// slots, memory and disk until it comes back. (A silo on a Docker host of its own reaps its leftovers itself when it
/// restarts, by its owner label.) Each dead silo is reaped once per process, also those dead before this one started.
/// A run that finished after its silo died is kept for <see cref="KeepFinishedFor"/>, so that the agent re-running the
/// interrupted experiment collects its outcome instead (<see cref="DockerSandboxRunner.CollectAsync"/>); what is still there
/// then is removed.
/// </summary>
public sealed class DeadSiloReaper(
    IServiceProvider services,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IHostApplicationLifetime lifetime,
    ILogger<DeadSiloReaper> logger) : BackgroundService
{
    /// <summary>How often the membership is looked at.</summary>
    public static TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a dead silo's run that exited with code 0 is kept for its outcome to be collected.</summary>
    public static TimeSpan KeepFinishedFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a dead silo with finished runs kept is looked at again.</summary>
    public static TimeSpan RecheckKeptEvery { get; set; } = TimeSpan.FromSeconds(30);

    private readonly HashSet<SiloAddress> _reaped = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<ISandboxRunner>() is not DockerSandboxRunner runner)
            return; // sandboxes that are not Docker containers (tests' fakes) leave nothing behind to reap

        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        MembershipVersion? seen = null;
        var recheckAt = DateTime.MaxValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var snapshot = membership.CurrentSnapshot;
            if (snapshot.Version != seen || DateTime.UtcNow >= recheckAt)
            {
                recheckAt = DateTime.MaxValue;
                var allDone = true;
                foreach (var dead in snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && !m.SiloAddress.Equals(local.SiloAddress)))
                {
                    if (_reaped.Contains(dead.SiloAddress))
                        continue;
                    try
                    {
                        var (experiments, kept) = await runner.ReapSiloAsync(dead.SiloAddress.ToParsableString(), KeepFinishedFor, stoppingToken);
                        if (kept == 0)
                            _reaped.Add(dead.SiloAddress);
                        else
                            recheckAt = DateTime.UtcNow + RecheckKeptEvery;
                        if (experiments.Count > 0)
                            logger.LogWarning("Removed the sandboxes of dead silo {Silo} on this Docker host (experiments {Experiments})", dead.SiloAddress, string.Join(", ", experiments));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                    {
                        allDone = false;
                        logger.LogWarning("Could not reap the sandboxes of dead silo {Silo}; trying again: {Reason}", dead.SiloAddress, ex.Message);
                    }
                }
                if (allDone)
                    seen = snapshot.Version;
            }
            await Task.Delay(PollEvery, stoppingToken);
        }
    }
}
