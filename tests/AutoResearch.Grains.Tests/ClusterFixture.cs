using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Grains.Fleets;
using AutoResearch.Host.Storage;
using AutoResearch.Ledger;
using AutoResearch.Proposers;
using AutoResearch.Reports;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// One in-process Orleans cluster shared by the grain tests, wired like the embedded host: SQLite grain state and ledger
/// in a temp folder, real proposers and reports. Only the sandbox is scripted (see <see cref="ScriptedSandboxRunner"/>).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ar-grains-" + Guid.NewGuid().ToString("N")[..8]);
    public ScriptedSandboxRunner Sandbox { get; } = new();
    public ScriptedDiskSpaceGuard DiskGuard { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;
    public ILedger Ledger => SiloServices.GetRequiredService<ILedger>();
    public IJournal Journal => SiloServices.GetRequiredService<IJournal>();
    public IGrainFactory Grains => Cluster.Client;
    public const int FleetSlots = 3;
    public static readonly string[] GpuDeviceIds = ["0", "1"];

    public async Task InitializeAsync() =>
        Cluster = await StartAsync(DataDirectory, FleetSlots, GpuDeviceIds, services =>
        {
            services.AddSingleton<ISandboxRunner>(Sandbox);
            services.AddSingleton<IDiskSpaceGuard>(DiskGuard);
            services.AddSingleton<IProposerFactory, ProposerFactory>();
        });

    /// <summary>
    /// Starts a one-silo test cluster wired like the embedded host (SQLite grain state and ledger under <paramref name="dataDirectory"/>,
    /// reports, fleet and agent options); <paramref name="configure"/> adds the sandbox, proposers and whatever else a fixture varies.
    /// <paramref name="postgres"/>: grain state, reminders and ledger in that PostgreSQL database instead of SQLite.
    /// <paramref name="perSilo"/>: services of one silo by its name (its fleet's host name), applied last (e.g. its own slots).
    /// </summary>
    public static async Task<InProcessTestCluster> StartAsync(string dataDirectory, int slots, string[] gpuDeviceIds, Action<IServiceCollection> configure,
        string? postgres = null, short silos = 1, Action<string, IServiceCollection>? perSilo = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var db = Path.Combine(dataDirectory, "autoresearch.db");
        var builder = new InProcessTestClusterBuilder(silos);
        if (postgres is not null)
        {
            // Grain state and reminders are keyed by service id: a restarted cluster must find the previous one's.
            builder.Options.ServiceId = PostgresTestDatabase.ServiceId;
        }
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddFleets();
            if (postgres is null) silo.UseSqliteStorage($"Data Source={db};Default Timeout=30");
            else silo.UsePostgresStorage(postgres);
        });
        builder.ConfigureSiloHost((siloOptions, host) =>
        {
            host.Services.AddSingleton(TimeProvider.System);
            host.Services.AddLedger(o => o.ConnectionString = postgres ?? $"Data Source={db}");
            host.Services.AddReports(o => o.OutputDirectory = Path.Combine(dataDirectory, "reports"));
            configure(host.Services);
            host.Services.Configure<FleetOptions>(o =>
            {
                o.Slots = slots;
                o.GpuDeviceIds = [.. gpuDeviceIds];
                o.DiscoverGpus = false;
            });
            host.Services.Configure<AgentOptions>(o => o.SlotWait = TimeSpan.FromSeconds(2));
            perSilo?.Invoke(siloOptions.SiloName, host.Services);
        });
        var cluster = builder.Build();
        await Waits.ForAsync(cluster.DeployAsync(), 120, $"a test cluster of {silos} silo(s) to start");
        await Waits.ForAsync(cluster.Silos[0].ServiceProvider.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync(CancellationToken.None), 60,
            "the test cluster's ledger to be created");
        return cluster;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
