using System.Net;
using System.Net.Sockets;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Grains;
using AutoResearch.Grains.Fleets;
using AutoResearch.Host.Storage;
using AutoResearch.Ledger;
using AutoResearch.Models;
using AutoResearch.Proposers;
using AutoResearch.Reports;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace AutoResearch.Host.Hosting;

/// <summary>The building blocks of an AutoResearch host, each one call in <c>Program.cs</c>.</summary>
public static class HostBuilderExtensions
{
    /// <summary>Binds and validates <see cref="AutoResearchOptions"/>; throws naming every bad setting.</summary>
    public static AutoResearchOptions AddAutoResearchOptions(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AutoResearchOptions.Section).Get<AutoResearchOptions>() ?? new AutoResearchOptions();
        var problems = options.Validate();
        if (problems.Count > 0)
            throw new OptionsValidationException(AutoResearchOptions.Section, typeof(AutoResearchOptions), problems);
        Directory.CreateDirectory(options.FullDataDirectory);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.TryAddSingleton(TimeProvider.System);
        return options;
    }

    /// <summary>Serilog from configuration: console (stderr, from <paramref name="consoleLevel"/>) and compact JSON files in the data directory.</summary>
    public static IHostApplicationBuilder AddAutoResearchLogging(this IHostApplicationBuilder builder, AutoResearchOptions options, LogEventLevel consoleLevel)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Information()
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(restrictedToMinimumLevel: consoleLevel, standardErrorFromLevel: LogEventLevel.Verbose)
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(options.LogsDirectory, "autoresearch-.json"), rollingInterval: RollingInterval.Day));
        return builder;
    }

    /// <summary>Ledger, journal and reports: everything needed to read and report on campaigns without running any.</summary>
    public static IHostApplicationBuilder AddAutoResearchStorage(this IHostApplicationBuilder builder, AutoResearchOptions options)
    {
        builder.Services.AddLedger(ledger => ledger.ConnectionString = options.EffectiveLedgerConnectionString);
        builder.Services.AddReports(reports =>
        {
            builder.Configuration.GetSection("Reports").Bind(reports);
            reports.OutputDirectory = options.ReportsDirectory;
        });
        return builder;
    }

    /// <summary>Sandboxes, proposers, start-up recovery and the Orleans silo: everything needed to run campaigns.</summary>
    public static IHostApplicationBuilder AddAutoResearchRuntime(this IHostApplicationBuilder builder, AutoResearchOptions options)
    {
        builder.AddAutoResearchSandboxes(options);
        builder.Services.TryAddSingleton<IDiskSpaceGuard>(services => new DriveDiskSpaceGuard(
            options.MinFreeDiskBytes,
            [options.FullDataDirectory],
            () => DockerRootDirectory.TryResolveAsync(services.GetRequiredService<IOptions<SandboxOptions>>().Value, CancellationToken.None),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<DriveDiskSpaceGuard>()));
        builder.Services.AddModelAgents(builder.Configuration);
        builder.Services.Configure<FleetOptions>(builder.Configuration.GetSection(FleetOptions.Section));
        builder.Services.Configure<AgentOptions>(agents =>
        {
            builder.Configuration.GetSection(AgentOptions.Section).Bind(agents);
            agents.ArtifactsRoot ??= options.ArtifactsDirectory;
        });

        // Runs in StartingAsync, so it finishes before the silo starts and any grain activates.
        builder.Services.AddHostedService<StartupRecovery>();
        builder.AddAutoResearchSilo(options);
        // Every container carries the silo that started it, so that survivors can reap a dead silo's sandboxes.
        builder.Services.AddOptions<SandboxOptions>().Configure<IServiceProvider>((sandbox, services) =>
            sandbox.Silo ??= services.GetService<Orleans.Runtime.ILocalSiloDetails>()?.SiloAddress.ToParsableString());
        // In a cluster, campaigns whose silo died are taken over by a survivor without a person, and its sandboxes reaped.
        if (options.IsCluster)
        {
            builder.Services.AddHostedService<CampaignTakeover>();
            builder.Services.AddHostedService<DeadSiloReaper>();
        }
        return builder;
    }

    /// <summary>The Docker sandbox runner and image check alone (section <c>Sandboxes</c>), owned by this installation: <c>validate</c> runs one baseline with it.</summary>
    public static IHostApplicationBuilder AddAutoResearchSandboxes(this IHostApplicationBuilder builder, AutoResearchOptions options)
    {
        builder.Services.AddDockerSandboxes(sandbox =>
        {
            builder.Configuration.GetSection(SandboxOptions.SectionName).Bind(sandbox);
            sandbox.Owner = options.Owner;
        });
        return builder;
    }

    /// <summary>
    /// The one place that chooses clustering and grain storage: embedded localhost + SQLite, or a cluster on PostgreSQL
    /// (membership, grain state and reminders through our own providers, tables created on start-up) listening on the
    /// configured ports. Cluster id and service id come from <see cref="AutoResearchOptions"/>.
    /// </summary>
    public static IHostApplicationBuilder AddAutoResearchSilo(this IHostApplicationBuilder builder, AutoResearchOptions options)
    {
        if (options.IsCluster)
        {
            // Checked before the silo starts: a port another process holds fails the start naming the port and its setting.
            builder.Services.AddHostedService(_ => new SiloPortCheck(options.SiloPort, options.GatewayPort));
        }
        // One fleet per silo (Docker host), named like the silo: the name is configured, or the machine's (with the silo port in a cluster).
        var host = (builder.Configuration.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new FleetOptions())
            .HostName(options.IsCluster ? options.SiloPort : null);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = host);
            silo.AddFleets();
            if (options.IsCluster)
            {
                var connectionString = options.ClusterConnectionString!;
                if (options.AdvertisedAddress is { Length: > 0 } advertised)
                {
                    if (IPAddress.TryParse(advertised.Trim(), out var ip))
                        silo.ConfigureEndpoints(ip, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
                    else
                        silo.ConfigureEndpoints(advertised.Trim(), options.SiloPort, options.GatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
                }
                else
                {
                    silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
                }
                silo.UsePostgresClustering(connectionString);
                silo.UsePostgresStorage(connectionString);
                // Orleans' default directory is eventually consistent: when the silo holding a part of it dies, a grain still
                // active elsewhere can be activated a second time (seen: two activations of one agent running the same
                // experiment after a kill -9). The strongly consistent directory (experimental in Orleans 10) recovers the dead
                // silo's part from the survivors' activations before it answers, so an agent or campaign is never active twice.
#pragma warning disable ORLEANSEXP003
                silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            }
            else
            {
                // An embedded silo serves only this process: any free ports will do, so several hosts can share a machine.
                silo.UseLocalhostClustering(siloPort: FreeTcpPort(), gatewayPort: FreeTcpPort());
                silo.UseSqliteStorage($"Data Source={options.SqlitePath};Default Timeout=30");
            }
        });
        return builder;
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
