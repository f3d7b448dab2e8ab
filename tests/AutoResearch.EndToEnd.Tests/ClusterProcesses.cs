using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Host.Hosting;
using AutoResearch.Host.Storage;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>
/// One silo of a cluster on PostgreSQL as its own operating-system process: the real <c>autoresearch serve</c> (console and silo)
/// with the cluster settings of the README's "A cluster", its own ports and its own data directory (so its containers carry an
/// owner of their own, and only the cluster's dead-silo reaper, never its own start-up, can remove another silo's sandboxes).
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private SiloProcess(string name, string dataDirectory, int siloPort, int gatewayPort, CliProcess process)
    {
        Name = name;
        DataDirectory = dataDirectory;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Process = process;
        Owner = new AutoResearchOptions { DataDirectory = dataDirectory }.Owner;
    }

    public string Name { get; }
    public string DataDirectory { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public string Owner { get; }
    public CliProcess Process { get; }

    /// <summary>The silo's address once the membership table lists it (its port and generation).</summary>
    public SiloAddress? Address { get; set; }

    /// <summary>The value of <see cref="Names.SiloLabel"/> on this silo's containers.</summary>
    public string Label => Address?.ToParsableString() ?? throw new InvalidOperationException($"silo {Name} has not joined yet");

    public bool Alive => !Process.HasExited;

    public static SiloProcess Start(string name, string clusterId, string connectionString, int fleetSlots)
    {
        var data = Path.Combine(Path.GetTempPath(), $"ar-silo-{name}-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(data);
        int siloPort = FreePort(), gatewayPort = FreePort(), consolePort = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["AutoResearch__Clustering"] = "Postgres",
            ["AutoResearch__ClusterConnectionString"] = connectionString,
            ["AutoResearch__LedgerConnectionString"] = connectionString,
            ["AutoResearch__ClusterId"] = clusterId,
            ["AutoResearch__ServiceId"] = clusterId,
            ["AutoResearch__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["AutoResearch__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["AutoResearch__AdvertisedAddress"] = "127.0.0.1",
            ["AutoResearch__MinFreeDiskBytes"] = "0",
            ["Fleet__Slots"] = fleetSlots.ToString(CultureInfo.InvariantCulture),
            ["Fleet__DiscoverGpus"] = "false",
            // Only the cluster's takeover may revive the campaign (the test starts it, not this console).
            ["Console__ResumeOnStart"] = "false",
            ["AUTORESEARCH_ADMIN_PASSWORD"] = "cluster-kill-test",
        };
        var process = CliProcess.Start(data, environment, "serve", "--urls", $"http://127.0.0.1:{consolePort}");
        return new SiloProcess(name, data, siloPort, gatewayPort, process);
    }

    /// <summary>kill -9: no shutdown code runs; its containers keep running, its membership row stays Active until others vote it dead.</summary>
    public void KillHard() => Process.KillHard();

    public override string ToString() => Address is null ? $"{Name} (:{SiloPort})" : $"{Name} ({Address})";

    public void Dispose()
    {
        Process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// What the cluster itself says: its membership table (which silos are active or dead), where grains are active (the
/// management grain's statistics, through an Orleans client on the live silos' gateways), and the sandboxes on the Docker
/// host by their labels. Never calls a campaign, agent or fleet grain (that would activate it).
/// </summary>
public sealed class ClusterFacts(string clusterId, string connectionString) : IAsyncDisposable
{
    private readonly PostgresMembershipTable _membership = new(PostgresTables.For(connectionString), clusterId, BuildSerializer());
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    private IHost? _client;

    /// <summary>The label the runner puts on a run's work-volume keeper.</summary>
    private const string KeeperLabel = "autoresearch.role";

    /// <summary>Every silo in the membership table with its status.</summary>
    public async Task<IReadOnlyList<(SiloAddress Silo, SiloStatus Status)>> MembersAsync() =>
        (await _membership.ReadAll()).Members.Select(m => (m.Item1.SiloAddress, m.Item1.Status)).ToList();

    /// <summary>Connects (again) to the gateways of <paramref name="silos"/>: after a kill or a start, the live ones.</summary>
    public async Task ConnectAsync(IEnumerable<SiloProcess> silos)
    {
        await DisconnectAsync();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        var gateways = silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)).ToArray();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateways);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            client.Configure<MessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        _client = host;
    }

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("not connected");

    /// <summary>Each active activation of the campaign's grains and the fleet, with the silo it lives on.</summary>
    public async Task<Placement> PlacementAsync(string campaignId)
    {
        var client = Client;
        var campaign = client.GetGrain<ICampaignGrain>(campaignId).GetGrainId();
        var agentType = client.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(campaignId, "x")).GetGrainId().Type;
        var fleetType = client.GetGrain<IFleetGrain>(Names.LocalFleet).GetGrainId().Type;
        var prefix = IAgentGrain.KeyFor(campaignId, "");
        var stats = await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return new Placement(
            stats.Where(s => s.GrainId.Equals(campaign)).Select(s => s.SiloAddress).ToList(),
            stats.Where(s => s.GrainId.Type.Equals(agentType) && s.GrainId.Key.ToString()!.StartsWith(prefix, StringComparison.Ordinal))
                .Select(s => (s.GrainId.Key.ToString()!, s.SiloAddress)).ToList(),
            stats.Where(s => s.GrainId.Type.Equals(fleetType)).Select(s => (s.GrainId.Key.ToString()!, s.SiloAddress)).ToList());
    }

    /// <summary>The sandboxes (any state) whose owner is one of <paramref name="owners"/>.</summary>
    public async Task<IReadOnlyList<Sandbox>> SandboxesAsync(IReadOnlyCollection<string> owners)
    {
        var all = await _docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Names.SiloLabel] = true } },
        });
        return all.Where(c => c.Labels.TryGetValue(Names.OwnerLabel, out var owner) && owners.Contains(owner))
            .Select(c => new Sandbox(c.ID, c.Labels[Names.SiloLabel], c.Labels.TryGetValue(Names.ExperimentLabel, out var experiment) ? experiment : "", c.State,
                Keeper: c.Labels.ContainsKey(KeeperLabel)))
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _docker.Dispose();
    }

    private async Task DisconnectAsync()
    {
        if (_client is null) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SiloUnavailableException or OrleansException or TimeoutException)
        {
            // its gateway may be the one just killed
        }
        _client.Dispose();
        _client = null;
    }

    private static Serializer BuildSerializer() =>
        new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(ICampaignGrain).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();
}

/// <summary>Where the campaign's grains and the fleet(s) are active.</summary>
/// <param name="Campaign">The silos with an activation of the campaign grain (one, or none while it is being taken over).</param>
/// <param name="Agents">Each agent activation of the campaign (its key) and its silo.</param>
/// <param name="Fleets">Each fleet activation (its key) and its silo.</param>
public sealed record Placement(
    IReadOnlyList<SiloAddress> Campaign,
    IReadOnlyList<(string Key, SiloAddress Silo)> Agents,
    IReadOnlyList<(string Key, SiloAddress Silo)> Fleets);

/// <summary>A sandbox container as Docker lists it: its silo label, experiment label and state (running, exited, …).</summary>
/// <param name="Keeper">A run's work-volume keeper (it runs as long as the run's volume is kept), not a run.</param>
public sealed record Sandbox(string ContainerId, string Silo, string Experiment, string State, bool Keeper)
{
    /// <summary>A run (not a keeper) that is running.</summary>
    public bool Running => State == "running" && !Keeper;
}
