using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Ports;
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

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var db = Path.Combine(DataDirectory, "autoresearch.db");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.UseSqliteStorage($"Data Source={db};Default Timeout=30"));
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(TimeProvider.System);
            host.Services.AddLedger(o => o.ConnectionString = $"Data Source={db}");
            host.Services.AddReports(o => o.OutputDirectory = Path.Combine(DataDirectory, "reports"));
            host.Services.AddSingleton<ISandboxRunner>(Sandbox);
            host.Services.AddSingleton<IDiskSpaceGuard>(DiskGuard);
            host.Services.AddSingleton<IProposerFactory, ProposerFactory>();
            host.Services.Configure<FleetOptions>(o =>
            {
                o.Slots = FleetSlots;
                o.GpuDeviceIds = [.. GpuDeviceIds];
                o.DiscoverGpus = false;
            });
            host.Services.Configure<AgentOptions>(o => o.SlotWait = TimeSpan.FromSeconds(2));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await SiloServices.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
