using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Grains.Fleets;
using AutoResearch.Ledger;
using AutoResearch.Proposers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// One fleet per Docker host: two silos with 1 and 2 slots run 3 experiments at once, each container's slot leased from
/// the fleet of the silo whose runner started it, and each fleet active on its own silo only.
/// </summary>
public sealed class FleetPerHostTests(ITestOutputHelper output)
{
    [Fact]
    public Task Two_silos_with_1_and_2_slots_run_3_experiments_at_once_each_on_a_slot_of_its_own_host() => RunOnTwoHostsAsync(null);

    [PostgresFact]
    public async Task On_PostgreSQL_two_silos_with_1_and_2_slots_run_3_experiments_at_once_each_on_a_slot_of_its_own_host()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        await RunOnTwoHostsAsync(db.ConnectionString);
    }

    private async Task RunOnTwoHostsAsync(string? postgres)
    {
        var data = Path.Combine(Path.GetTempPath(), "ar-fleets-" + Guid.NewGuid().ToString("N")[..8]);
        var shared = new ScriptedSandboxRunner { Delay = TimeSpan.FromMilliseconds(600) };
        var runners = new ConcurrentDictionary<string, HostRunner>(StringComparer.Ordinal);
        var cluster = await StartTwoHostsAsync(data, postgres, shared, runners, takeover: false);
        try
        {
            Assert.Equal(2, runners.Count);
            var fleets = cluster.Silos[0].ServiceProvider.GetRequiredService<FleetDirectory>();
            var before = await fleets.GetAsync();
            Assert.Equal((2, 3), (before.Hosts.Count, before.Slots));

            var id = TestSpecs.UniqueId("fleets");
            var campaign = cluster.Client.GetGrain<ICampaignGrain>(id);
            // Slots 0: all the cluster has (1 + 2), not the starting silo's own.
            var started = await campaign.Start(TestSpecs.Campaign("fleets", maxExperiments: 18, slots: 0, proposers: ["random", "random", "random"]));
            Assert.Equal(3, started.Slots);
            var end = await Waits.ForEndAsync(cluster.Client, id, seconds: 120);
            Assert.Equal(CampaignState.Completed, end.State);

            var ledger = cluster.Silos[0].ServiceProvider.GetRequiredService<ILedger>();
            var experiments = await ledger.GetExperimentsAsync(id);
            Assert.Equal(18, experiments.Count(e => e.IsFinished));
            // The ledger's host of every attempt is the host whose runner ran its container: its lease came from that host's fleet.
            foreach (var e in experiments)
            {
                var ranOn = runners.Values.Where(r => r.Ran.ContainsKey(e.Id)).Select(r => r.Host).ToList();
                Assert.True(ranOn.Count == 1, $"#{e.Sequence} ran on {ranOn.Count} hosts");
                Assert.Equal(ranOn[0], e.Host);
            }
            var peak = shared.PeakConcurrency(id);
            var perHost = string.Join(", ", runners.Values.OrderBy(r => r.Host).Select(r => $"{r.Host}: peak {r.Peak} of {r.Slots}, {r.Ran.Count} runs"));
            output.WriteLine($"peak {peak} experiments at once; {perHost}");
            Assert.True(peak == 3, $"peak {peak} experiments at once on 1 + 2 slots ({perHost})");
            Assert.All(runners.Values, r => Assert.True(r.Peak <= r.Slots && r.Ran.Count > 0, perHost));

            // Each fleet is active on its own silo only.
            foreach (var silo in cluster.Silos)
            {
                var host = silo.ServiceProvider.GetRequiredService<FleetDirectory>().LocalHost;
                var fleet = cluster.Client.GetGrain<IFleetGrain>(host);
                Assert.Equal(host, (await fleet.GetStatus()).Host);
                Assert.True(cluster.TryGetGrainContext(fleet.GetGrainId(), out var context), $"fleet {host} is active nowhere");
                Assert.Equal(silo.SiloAddress, context.Address.SiloAddress);
            }
            var after = await fleets.GetAsync();
            Assert.Equal(0, after.Busy);
            Assert.Contains("on 2 hosts", after.Describe());
        }
        finally
        {
            await cluster.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [PostgresFact]
    public async Task When_the_silo_of_the_2_slot_fleet_is_killed_its_fleet_is_gone_and_the_campaign_completes_on_the_other_host()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var data = Path.Combine(Path.GetTempPath(), "ar-fleets-" + Guid.NewGuid().ToString("N")[..8]);
        var shared = new ScriptedSandboxRunner { Delay = TimeSpan.FromMilliseconds(400) };
        var runners = new ConcurrentDictionary<string, HostRunner>(StringComparer.Ordinal);
        var cluster = await StartTwoHostsAsync(data, db.ConnectionString, shared, runners, takeover: true);
        await using var observer = new ServiceCollection().AddLedger(o => o.ConnectionString = db.ConnectionString).BuildServiceProvider();
        var ledger = observer.GetRequiredService<ILedger>();
        try
        {
            var id = TestSpecs.UniqueId("fleetkill");
            await cluster.Client.GetGrain<ICampaignGrain>(id).Start(TestSpecs.Campaign("fleetkill", maxExperiments: 24, slots: 0, proposers: ["random", "random", "random"]));
            await Waits.UntilAsync(async () => (await ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished) >= 4, seconds: 60,
                what: $"four experiments of campaign {id} to finish");

            var doomedHost = runners.Values.Single(r => r.Slots == 2).Host;
            var survivorHost = runners.Values.Single(r => r.Slots == 1).Host;
            var doomed = cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<FleetDirectory>().LocalHost == doomedHost);
            var survivor = cluster.Silos.Single(s => s != doomed).ServiceProvider.GetRequiredService<FleetDirectory>();
            await cluster.KillSiloAsync(doomed);
            var killedAt = DateTimeOffset.UtcNow;

            await Waits.UntilAsync(async () => (await ledger.GetCampaignAsync(id))?.State == CampaignState.Completed, seconds: 150,
                what: $"campaign {id} to complete after the silo of host {doomedHost} was killed");
            var experiments = await ledger.GetExperimentsAsync(id);
            Assert.All(experiments, e => Assert.True(e.IsFinished, $"#{e.Sequence} is {e.Status}"));
            Assert.Equal(24, experiments.Count);
            Assert.Equal(24, experiments.Select(e => e.Sequence).Distinct().Count());
            // Every attempt started after the kill leased its slot from the survivor's fleet, and ran there.
            var story = $"killed {doomedHost} at {killedAt:HH:mm:ss.fff}:\n" + string.Join("\n", experiments.OrderBy(e => e.StartedAt)
                .Select(e => $"#{e.Sequence} {e.AgentId} attempt {e.Attempt} on {e.Host} {e.StartedAt:HH:mm:ss.fff}-{e.EndedAt:HH:mm:ss.fff} {e.Status}"));
            var after = experiments.Where(e => e.StartedAt > killedAt).ToList();
            Assert.True(after.Count > 0 && after.All(e => e.Host == survivorHost), story);
            Assert.True(experiments.Any(e => e.Host == doomedHost), story);
            // The dead host's fleet is gone: the cluster's capacity is the survivor's one slot.
            var fleets = await survivor.GetAsync();
            Assert.Equal((1, 1, survivorHost), (fleets.Hosts.Count, fleets.Slots, fleets.Hosts[0].Host));
            output.WriteLine($"{experiments.Count(e => e.Host == doomedHost)} on {doomedHost} (killed), {experiments.Count(e => e.Host == survivorHost)} on {survivorHost}; {after.Count} started after the kill");
        }
        finally
        {
            await cluster.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Two silos: the first with 1 slot, the second with 2, each with its own sandbox runner (its own Docker host) in
    /// <paramref name="runners"/> by host name; <paramref name="takeover"/>: with the survivors' campaign takeover.
    /// </summary>
    private static Task<InProcessTestCluster> StartTwoHostsAsync(string data, string? postgres, ScriptedSandboxRunner shared,
        ConcurrentDictionary<string, HostRunner> runners, bool takeover)
    {
        var hosts = new List<string>();
        return ClusterFixture.StartAsync(data, slots: 1, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddSingleton<IProposerFactory, ProposerFactory>();
            if (takeover) services.AddHostedService<AutoResearch.Host.Hosting.CampaignTakeover>();
        }, postgres: postgres, silos: 2, perSilo: (host, services) =>
        {
            lock (hosts) hosts.Add(host);
            var slots = hosts.Count == 1 ? 1 : 2;
            services.Configure<FleetOptions>(o => o.Slots = slots);
            services.AddSingleton<ISandboxRunner>(runners.GetOrAdd(host, h => new HostRunner(h, slots, shared)));
        });
    }

    /// <summary>A silo's own sandbox runner: which experiments its host ran, and its peak at once.</summary>
    internal sealed class HostRunner(string host, int slots, ScriptedSandboxRunner inner) : ISandboxRunner
    {
        private int _running;
        private int _peak;

        public string Host => host;
        public int Slots => slots;
        public int Peak => _peak;
        public ConcurrentDictionary<string, bool> Ran { get; } = new(StringComparer.Ordinal);

        public async Task<SandboxResult> RunAsync(SandboxRequest request, Func<string, Task>? onStarted, Action<MetricPoint>? onMetric, CancellationToken cancellationToken)
        {
            Ran[request.ExperimentId] = true;
            var now = Interlocked.Increment(ref _running);
            lock (this) _peak = Math.Max(_peak, now);
            try
            {
                return await inner.RunAsync(request, onStarted, onMetric, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public Task<IReadOnlyList<string>> ReapAsync(CancellationToken cancellationToken) => inner.ReapAsync(cancellationToken);
    }
}

/// <summary>Host names: unique among the live silos.</summary>
public sealed class FleetHostNameTests
{
    private static readonly SiloAddress Self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 2);

    private static ClusterMembershipSnapshot Snapshot(params ClusterMember[] members) =>
        new(members.ToImmutableDictionary(m => m.SiloAddress), new MembershipVersion(7));

    [Fact]
    public void A_silo_named_like_another_live_silo_clashes_but_not_its_own_older_generation_or_a_dead_one()
    {
        var other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
        var older = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        Assert.Equal(other, UniqueHostCheck.Clash(Snapshot(new(Self, SiloStatus.Active, "box"), new(other, SiloStatus.Active, "box")), Self, "box")?.SiloAddress);
        Assert.Null(UniqueHostCheck.Clash(Snapshot(new(Self, SiloStatus.Active, "box"), new(other, SiloStatus.Dead, "box")), Self, "box"));
        Assert.Null(UniqueHostCheck.Clash(Snapshot(new(Self, SiloStatus.Active, "box"), new(older, SiloStatus.Active, "box")), Self, "box"));
        Assert.Null(UniqueHostCheck.Clash(Snapshot(new(Self, SiloStatus.Active, "box"), new(other, SiloStatus.Active, "box-2")), Self, "box"));
        // The fleet of "box" goes to the newest generation of the live silos of that name.
        Assert.Equal(Self, FleetHosts.SiloOf(Snapshot(new(Self, SiloStatus.Active, "box"), new(older, SiloStatus.Active, "box")), "box"));
        Assert.Null(FleetHosts.SiloOf(Snapshot(new(Self, SiloStatus.Active, "box"), new(other, SiloStatus.Dead, "gone")), "gone"));
    }
}

/// <summary>A fleet's leases after its grain is deactivated and re-activated (on its own silo, the only place it may live).</summary>
[Collection(ClusterCollection.Name)]
public sealed class FleetReactivationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_reactivated_fleet_keeps_its_leases_and_GPU_ids_and_honours_their_release()
    {
        var host = fixture.SiloServices.GetRequiredService<FleetDirectory>().LocalHost;
        var fleet = fixture.Grains.GetGrain<IFleetGrain>(host);
        var campaign = TestSpecs.UniqueId("refleet");
        SlotRequest Request(string agent, int gpus) => new() { CampaignId = campaign, AgentId = agent, Gpus = gpus, MaxDuration = TimeSpan.FromSeconds(5) };

        var cpu = (await fleet.Acquire(Request("a", 0), TimeSpan.FromSeconds(10))).Lease;
        var gpu = (await fleet.Acquire(Request("b", 1), TimeSpan.FromSeconds(10))).Lease;
        Assert.NotNull(cpu);
        Assert.NotNull(gpu);
        Assert.Equal(host, gpu.Host);
        static string Leases(FleetStatus s, string campaign) => string.Join("; ", s.Leases.Where(l => l.CampaignId == campaign).OrderBy(l => l.Slot)
            .Select(l => $"{l.AgentId} slot {l.Slot} gpus {string.Join(",", l.GpuDeviceIds)} since {l.Since:O}"));
        var held = Leases(await fleet.GetStatus(), campaign);

        await fleet.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Waits.UntilAsync(() => Task.FromResult(!fixture.Cluster.TryGetGrainContext(fleet.GetGrainId(), out _)), seconds: 30,
            what: $"fleet {host} to deactivate");

        // Re-activated (by this call): the same leases, slots and GPU ids.
        var status = await fleet.GetStatus();
        Assert.True(fixture.Cluster.TryGetGrainContext(fleet.GetGrainId(), out _), "the fleet did not re-activate");
        Assert.Equal(held, Leases(status, campaign));
        // Its GPU stays leased: a request for both GPUs cannot be granted while it is held...
        Assert.Null((await fleet.Acquire(Request("c", 2), TimeSpan.FromSeconds(1))).Lease);
        // ...and is once the lease granted before the re-activation is released.
        await fleet.Release(gpu.LeaseId);
        var both = (await fleet.Acquire(Request("c", 2), TimeSpan.FromSeconds(10))).Lease;
        Assert.NotNull(both);
        Assert.Equal(["0", "1"], both.GpuDeviceIds.Order());
        await fleet.Release(cpu.LeaseId);
        await fleet.Release(both.LeaseId);
        Assert.DoesNotContain((await fleet.GetStatus()).Leases, l => l.CampaignId == campaign);
    }

    [Fact]
    public async Task A_fleet_of_a_host_that_no_live_silo_is_named_after_cannot_be_activated_anywhere()
    {
        var fleet = fixture.Grains.GetGrain<IFleetGrain>("no-such-host-" + Guid.NewGuid().ToString("N")[..6]);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => fleet.GetStatus().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("no-such-host", error.ToString());
        Assert.IsNotType<TimeoutException>(error);
    }
}
