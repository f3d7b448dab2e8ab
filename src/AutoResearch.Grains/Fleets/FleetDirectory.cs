using AutoResearch.Abstractions.Grains;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AutoResearch.Grains.Fleets;

/// <summary>
/// A live host's fleet and the silo it lives on. <paramref name="Answered"/> is false for a host that did not answer the last
/// look (slow under load, or killed and not yet declared dead): its status is the last it gave.
/// </summary>
public sealed record FleetView(SiloAddress Silo, FleetStatus Status, bool Answered = true);

/// <summary>
/// One silo's view of the cluster's fleets (one per live silo, keyed by silo name): the local fleet agents lease from, the
/// capacity of all live hosts (what a campaign may use), and the status views' per-host slots. Also keeps this silo's fleet
/// scheduler (<see cref="LocalScheduler"/>), which outlives fleet-grain activations, so a re-activated fleet still knows its leases.
/// </summary>
public sealed class FleetDirectory(
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IOptions<FleetOptions> options,
    TimeProvider clock,
    ILogger<FleetDirectory> logger)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private volatile IReadOnlyList<FleetView>? _last;
    private DateTimeOffset _lastAt = DateTimeOffset.MinValue;
    /// <summary>Each live host's last answer, kept while the membership says it is active.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SiloAddress, FleetView> _lastAnswer = new();

    /// <summary>This silo's host (fleet) name: the silo name.</summary>
    public string LocalHost => local.Name;

    /// <summary>The fleet of this silo's Docker host, the only one this silo's agents lease from.</summary>
    public IFleetGrain Local => grains.GetGrain<IFleetGrain>(LocalHost);

    /// <summary>The local fleet's scheduler with its leases and fair-share accounts, kept for the life of this process (see <see cref="FleetGrain"/>).</summary>
    internal FairShareScheduler? LocalScheduler { get; set; }

    /// <summary>The cluster's slots as last seen (at least this host's own), for callers that cannot wait.</summary>
    public int Slots => _last is { Count: > 0 } last ? last.Sum(f => f.Status.Slots) : Math.Max(1, options.Value.Slots);

    /// <summary>Every live host's fleet status (a host that does not answer within 5 s is logged and given with its last answer, if any).</summary>
    public async Task<ClusterFleetStatus> GetAsync(TimeSpan? maxAge = null)
    {
        var views = await GetViewsAsync(maxAge ?? TimeSpan.Zero);
        return new ClusterFleetStatus { Hosts = [.. views.Select(v => v.Status).OrderBy(s => s.Host, StringComparer.Ordinal)] };
    }

    /// <summary>The fleets with their silos, at most <paramref name="maxAge"/> old.</summary>
    public async Task<IReadOnlyList<FleetView>> GetViewsAsync(TimeSpan maxAge)
    {
        if (_last is { } cached && clock.GetUtcNow() - _lastAt <= maxAge) return cached;
        var live = FleetHosts.Live(membership.CurrentSnapshot);
        var answers = await Task.WhenAll(live.Select(async host =>
        {
            try
            {
                var status = await grains.GetGrain<IFleetGrain>(host.Key).GetStatus().WaitAsync(CallTimeout);
                return _lastAnswer[host.Value] = new FleetView(host.Value, status with { Host = host.Key });
            }
            catch (Exception ex)
            {
                // A host that is slow under load still has its slots: the campaign's capacity does not drop for one late
                // answer. One that never answered counts for nothing until it does.
                logger.LogWarning("The fleet of host {Host} did not answer: {Error}", host.Key, ex.Message);
                return _lastAnswer.TryGetValue(host.Value, out var last) ? last with { Answered = false } : null;
            }
        }));
        foreach (var gone in _lastAnswer.Keys.Where(silo => !live.Values.Contains(silo)).ToList()) _lastAnswer.TryRemove(gone, out _);
        var views = answers.OfType<FleetView>().ToList();
        _last = views;
        _lastAt = clock.GetUtcNow();
        return views;
    }

    /// <summary><see cref="GetViewsAsync"/> that gives the last views (or none) instead of failing or waiting long.</summary>
    public async Task<IReadOnlyList<FleetView>> TryGetAsync(TimeSpan maxAge)
    {
        try
        {
            return await GetViewsAsync(maxAge).WaitAsync(CallTimeout + TimeSpan.FromSeconds(1));
        }
        catch (Exception ex)
        {
            logger.LogWarning("Reading the fleets failed: {Error}", ex.Message);
            return _last ?? [];
        }
    }
}
