using System.Net;
using System.Net.Sockets;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Host.Hosting;
using AutoResearch.Host.Storage;
using AutoResearch.Ledger;
using AutoResearch.Proposers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// The cluster's own Orleans providers on PostgreSQL (grain state, reminders, membership) against a real server: the tables are
/// created by the silos themselves, grain state reads back after the silo that wrote it is gone, and two silos form a cluster
/// on the configured ports. Skipped, saying so, when <c>AUTORESEARCH_TEST_POSTGRES</c> is not set.
/// </summary>
public sealed class PostgresSiloTests
{
    [PostgresFact]
    public async Task Campaign_state_written_on_PostgreSQL_reads_back_after_the_silo_that_wrote_it_is_gone()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var data = Path.Combine(Path.GetTempPath(), "ar-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var id = TestSpecs.UniqueId("pgstate");
        CampaignStatus before;
        var cluster = await StartAsync(data, db);
        try
        {
            await cluster.Client.GetGrain<ICampaignGrain>(id).Start(TestSpecs.Campaign("pgstate", maxExperiments: 4, slots: 2));
            before = await Waits.ForEndAsync(cluster.Client, id, seconds: 90);
            Assert.Equal(CampaignState.Completed, before.State);
            Assert.Equal(4, before.Finished);
            // Agents report Done a moment after the campaign completes; the state compared is the settled one. Until then an
            // agent's status is the one its last finished experiment carried, which may show another of its workers asking for
            // a ticket (that ticket's worst case reserved): live, not settled.
            var campaign = cluster.Client.GetGrain<ICampaignGrain>(id);
            await Waits.UntilAsync(async () => (before = await campaign.GetStatus()).Agents.All(a => a.State is AgentState.Done or AgentState.Stopped),
                seconds: 30, what: $"every agent of campaign {id} to report Done or Stopped");
            // A finished agent holds nothing: its Reserved (and, nothing pruned, its Refunded) is zero, both fields one shared
            // ResourceUse.Zero object, which Orleans' JSON grain-storage serializer could not read back.
            Assert.All(before.Agents, a => Assert.Equal((ResourceUse.Zero, ResourceUse.Zero, 0), (a.Reserved, a.Refunded, a.InFlight)));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.Equal(1L, await db.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_grain_state WHERE service_id = $1 AND state_name = 'campaign' AND grain_id LIKE '%' || $2",
            PostgresTestDatabase.ServiceId, id));

        // A new silo (the old one and its memory are gone) re-activates the campaign from PostgreSQL.
        cluster = await StartAsync(data, db);
        try
        {
            var after = await cluster.Client.GetGrain<ICampaignGrain>(id).GetStatus();
            Assert.Equal(
                (before.State, before.Launched, before.Finished, before.Succeeded, before.Best, before.StartedAt),
                (after.State, after.Launched, after.Finished, after.Succeeded, after.Best, after.StartedAt));
            static string Agents(CampaignStatus s) => string.Join("\n", s.Agents.OrderBy(a => a.Id, StringComparer.Ordinal)
                .Select(a => $"{a.Id} {a.State} {a.Experiments} {a.Succeeded} {a.Reserved} {a.Refunded}"));
            Assert.Equal(Agents(before), Agents(after));
        }
        finally
        {
            await cluster.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [PostgresFact]
    public async Task A_campaign_whose_silo_is_killed_is_taken_over_by_the_survivor_and_completes_without_a_person()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var data = Path.Combine(Path.GetTempPath(), "ar-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var sandbox = new ScriptedSandboxRunner { Delay = TimeSpan.FromMilliseconds(400) };
        var cluster = await ClusterFixture.StartAsync(data, slots: 2, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<ISandboxRunner>(sandbox);
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddSingleton<IProposerFactory, ProposerFactory>();
            services.AddHostedService<CampaignTakeover>();
        }, postgres: db.ConnectionString, silos: 2);
        // The ledger as a front end sees it, apart from both silos (one of them dies).
        await using var observer = new ServiceCollection().AddLedger(o => o.ConnectionString = db.ConnectionString).BuildServiceProvider();
        var ledger = observer.GetRequiredService<ILedger>();
        try
        {
            var id = TestSpecs.UniqueId("takeover");
            var campaign = cluster.Client.GetGrain<ICampaignGrain>(id);
            await campaign.Start(TestSpecs.Campaign("takeover", maxExperiments: 16, slots: 2));
            await Waits.UntilAsync(async () => (await ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished) >= 3, seconds: 60);

            // The silo running agent gp-1 dies (kill: no deactivation, nothing written); it may hold the campaign and the other agent too.
            var agent = cluster.Client.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(id, "gp-1"));
            Assert.True(cluster.TryGetGrainContext(agent.GetGrainId(), out var context), "agent gp-1 is active on no silo");
            var doomed = cluster.GetSiloForAddress(context.Address.SiloAddress!);
            Assert.NotNull(doomed);
            await cluster.KillSiloAsync(doomed);
            var killedAt = DateTimeOffset.UtcNow;
            var finishedAtKill = (await ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished);

            // Nobody calls the campaign: only the ledger is watched until it says the campaign completed.
            try
            {
                await Waits.UntilAsync(async () => (await ledger.GetCampaignAsync(id))?.State == CampaignState.Completed, seconds: 120);
            }
            catch (TimeoutException)
            {
                var story = string.Join("\n", (await ledger.GetExperimentsAsync(id)).OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.AgentId} {e.Status}"));
                Assert.Fail($"campaign {id} did not complete within 120 s after its silo was killed ({finishedAtKill} finished at the kill):\n{story}");
            }
            var experiments = await ledger.GetExperimentsAsync(id);
            Assert.All(experiments, e => Assert.True(e.IsFinished, $"#{e.Sequence} is {e.Status}"));
            Assert.Equal(experiments.Count, experiments.Select(e => e.Id).Distinct().Count());
            // Every sequence once, 16 experiments in all. A number handed to the dead silo's agent before it wrote its row is
            // never handed out again (the campaign's high-water mark), so it may be missing: nothing had run under it.
            var rows = string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e =>
                $"#{e.Sequence} {e.AgentId} {e.Status} attempt {e.Attempt} on {e.Host} queued {e.QueuedAt:HH:mm:ss.fff} started {e.StartedAt:HH:mm:ss.fff} ended {e.EndedAt:HH:mm:ss.fff}"));
            Assert.True(experiments.Count == 16, $"{experiments.Count} experiments, not 16 (killed at {killedAt:HH:mm:ss.fff}):\n{rows}");
            Assert.Equal(experiments.Count, experiments.Select(e => e.Sequence).Distinct().Count());
            Assert.True(experiments.Max(e => e.Sequence) <= 15 + 2, "more sequence numbers lost than the two agents could hold: " + string.Join(",", experiments.Select(e => e.Sequence).Order()));
            Assert.True(finishedAtKill < 16, "the campaign had finished before its silo was killed: nothing was taken over");
        }
        finally
        {
            await cluster.DisposeAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [PostgresFact]
    public async Task Grain_storage_round_trips_shared_references_and_refuses_a_stale_etag()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var serializer = Serializer();
        var tables = PostgresTables.For(db.ConnectionString);
        var grain = GrainId.Create("campaign", "pg-shared");
        var shared = new ResourceUse { CpuSeconds = 12.5, Tokens = 7 };
        var written = new GrainState<CampaignGrainState>(new CampaignGrainState
        {
            State = CampaignState.Running,
            Agents = new()
            {
                ["explorer-1"] = new AgentStatus { Id = "explorer-1", Role = "explorer", Proposer = "gp", Reserved = shared, Refunded = shared, Experiments = 3 },
                ["random-2"] = new AgentStatus { Id = "random-2", Role = "random", Proposer = "random", Reserved = shared, Refunded = ResourceUse.Zero },
            },
        });
        await new PostgresGrainStorage(tables, "svc", serializer).WriteStateAsync("campaign", grain, written);
        Assert.NotNull(written.ETag);

        // A second storage (another silo) on the same table.
        var other = new PostgresGrainStorage(tables, "svc", serializer);
        var read = new GrainState<CampaignGrainState>();
        await other.ReadStateAsync("campaign", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.NotNull(read.State);
        Assert.Equal(CampaignState.Running, read.State.State);
        Assert.Equal(shared, read.State.Agents["explorer-1"].Reserved);
        Assert.Equal(shared, read.State.Agents["explorer-1"].Refunded);
        Assert.Equal(shared, read.State.Agents["random-2"].Reserved);
        Assert.Equal(3, read.State.Agents["explorer-1"].Experiments);

        // Another service id sees nothing; a write with a stale etag is refused.
        var elsewhere = new GrainState<CampaignGrainState>();
        await new PostgresGrainStorage(tables, "other-service", serializer).ReadStateAsync("campaign", grain, elsewhere);
        Assert.False(elsewhere.RecordExists);
        read.State.Reason = "moved on";
        await other.WriteStateAsync("campaign", grain, read);
        written.State!.Reason = "stale";
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(
            () => new PostgresGrainStorage(tables, "svc", serializer).WriteStateAsync("campaign", grain, written));

        await other.ClearStateAsync("campaign", grain, read);
        var cleared = new GrainState<CampaignGrainState>();
        await other.ReadStateAsync("campaign", grain, cleared);
        Assert.False(cleared.RecordExists);
    }

    [PostgresFact]
    public async Task Reminder_table_keeps_rows_by_service_grain_and_hash_range()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var tables = PostgresTables.For(db.ConnectionString);
        var table = new PostgresReminderTable(tables, "svc");
        await table.StartAsync();
        var grain = GrainId.Create("campaign", "pg-reminders");
        var hash = grain.GetUniformHashCode();
        var start = new DateTime(2026, 12, 4, 23, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        var entry = new ReminderEntry { GrainId = grain, ReminderName = "scheduled-report", StartAt = start, Period = TimeSpan.FromMinutes(5) };
        var etag = await table.UpsertRow(entry);
        Assert.NotNull(etag);
        await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "watchdog", StartAt = start, Period = TimeSpan.FromMinutes(1) });

        var row = await table.ReadRow(grain, "scheduled-report");
        Assert.NotNull(row);
        Assert.Equal((start, TimeSpan.FromMinutes(5), etag), (row.StartAt, row.Period, row.ETag));
        Assert.Equal(["scheduled-report", "watchdog"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order());

        // The ring range (begin, end], also wrapping around; a range without the grain's hash finds nothing.
        Assert.Equal(2, (await table.ReadRows(unchecked(hash - 1), hash)).Reminders.Count);
        Assert.Empty((await table.ReadRows(hash, unchecked(hash + 1))).Reminders);
        Assert.Equal(2, (await table.ReadRows(unchecked(hash + 1), hash)).Reminders.Count);   // wraps: (hash+1, max] and [0, hash]
        Assert.Empty((await table.ReadRows(hash, unchecked(hash - 1))).Reminders);             // wraps, but hash itself is excluded

        // Another service's table is separate.
        Assert.Empty((await new PostgresReminderTable(tables, "other-service").ReadRows(grain)).Reminders);

        Assert.False(await table.RemoveRow(grain, "scheduled-report", "not-the-etag"));
        Assert.True(await table.RemoveRow(grain, "scheduled-report", etag));
        Assert.Null(await table.ReadRow(grain, "scheduled-report"));
        Assert.Single((await table.ReadRows(grain)).Reminders);
    }

    [PostgresFact]
    public async Task Membership_table_moves_its_version_only_with_the_etag_it_was_read_with()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var tables = PostgresTables.For(db.ConnectionString);
        var table = new PostgresMembershipTable(tables, "cluster-a", Serializer());
        await table.InitializeMembershipTable(true);
        await table.InitializeMembershipTable(true);
        var empty = await table.ReadAll();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 42);
        var entry = new MembershipEntry
        {
            SiloAddress = silo, Status = SiloStatus.Joining, HostName = "host-a", SiloName = "silo-a", ProxyPort = 30000,
            StartTime = DateTime.UtcNow, IAmAliveTime = DateTime.UtcNow,
        };
        Assert.True(await table.InsertRow(entry, empty.Version.Next()));
        Assert.False(await table.InsertRow(entry, empty.Version.Next()));   // the version moved on: stale

        var one = await table.ReadAll();
        var (stored, etag) = Assert.Single(one.Members);
        Assert.Equal((silo, SiloStatus.Joining, "silo-a", 30000), (stored.SiloAddress, stored.Status, stored.SiloName, stored.ProxyPort));
        Assert.Equal(1, one.Version.Version);

        entry.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRow(entry, "not-the-etag", one.Version.Next()));
        Assert.True(await table.UpdateRow(entry, etag, one.Version.Next()));
        Assert.False(await table.UpdateRow(entry, etag, one.Version.Next()));

        var alive = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        entry.IAmAliveTime = alive;
        await table.UpdateIAmAlive(entry);
        var row = await table.ReadRow(silo);
        var (active, _) = Assert.Single(row.Members);
        Assert.Equal((SiloStatus.Active, alive), (active.Status, active.IAmAliveTime));
        Assert.Equal(2, row.Version.Version);

        // Another cluster id is another table; deleting one cluster's rows leaves the other's.
        var other = new PostgresMembershipTable(tables, "cluster-b", Serializer());
        await other.InitializeMembershipTable(true);
        Assert.Empty((await other.ReadAll()).Members);
        await other.DeleteMembershipTableEntries("cluster-b");
        Assert.Single((await table.ReadAll()).Members);

        // Only dead silos that stopped reporting before the date are cleaned up.
        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddYears(10));
        Assert.Single((await table.ReadAll()).Members);
    }

    [PostgresFact]
    public async Task Two_silos_form_a_cluster_on_their_configured_ports_through_the_PostgreSQL_membership_table()
    {
        await using var db = await PostgresTestDatabase.CreateAsync();
        var clusterId = "pg-two-" + Guid.NewGuid().ToString("N")[..6];
        using var first = BuildSilo(db.ConnectionString, clusterId, FreePort(), FreePort());
        using var second = BuildSilo(db.ConnectionString, clusterId, FreePort(), FreePort());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await first.StartAsync(timeout.Token);
        try
        {
            await second.StartAsync(timeout.Token);
            await Waits.UntilAsync(() => Task.FromResult(ActiveSilos(first) == 2 && ActiveSilos(second) == 2), seconds: 60);
            Assert.Equal(2L, await db.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_membership WHERE cluster_id = $1 AND status = $2", clusterId, (int)SiloStatus.Active));
            var ports = first.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Keys.Select(s => s.Endpoint.Port).Order();
            Assert.Equal(new[] { Port(first), Port(second) }.Order(), ports);

            await second.StopAsync(timeout.Token);
            await Waits.UntilAsync(() => Task.FromResult(ActiveSilos(first) == 1), seconds: 60);
            Assert.Equal(1L, await db.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_membership WHERE cluster_id = $1 AND status = $2", clusterId, (int)SiloStatus.Dead));
        }
        finally
        {
            await first.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_silo_port_another_process_holds_fails_the_start_naming_the_port_and_its_setting()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        // The connection string is never used: the check runs before the silo starts.
        using var host = BuildSilo("Host=127.0.0.1;Port=1;Username=none;Password=none;Database=none", "pg-port", taken, FreePort());
        var error = await Assert.ThrowsAsync<PortInUseException>(() => host.StartAsync());
        Assert.Equal((taken, "AutoResearch:SiloPort"), (error.Port, error.Setting));
        Assert.Contains($"Port {taken} (AutoResearch:SiloPort) is already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("AutoResearch__SiloPort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_settings_are_validated_naming_each_bad_one()
    {
        var options = new AutoResearchOptions
        {
            Clustering = "Postgres", ClusterConnectionString = null, ClusterId = " ", ServiceId = "", SiloPort = 70000, GatewayPort = 70000,
            AdvertisedAddress = "not a host",
        };
        var problems = options.Validate();
        Assert.Contains("AutoResearch:ClusterConnectionString is required when AutoResearch:Clustering is 'Postgres'", problems);
        Assert.Contains("AutoResearch:ClusterId must not be empty", problems);
        Assert.Contains("AutoResearch:ServiceId must not be empty", problems);
        Assert.Contains("AutoResearch:SiloPort must be a TCP port (1-65535), not 70000", problems);
        Assert.Contains("AutoResearch:GatewayPort must be a TCP port (1-65535), not 70000", problems);
        Assert.Contains("AutoResearch:SiloPort and AutoResearch:GatewayPort must differ (both are 70000)", problems);
        Assert.Contains("AutoResearch:AdvertisedAddress must be an IP address or a host name, not 'not a host'", problems);
        Assert.Equal(7, problems.Count);

        Assert.Empty(new AutoResearchOptions { Clustering = "AdoNet", ClusterConnectionString = "Host=db", AdvertisedAddress = "10.0.0.5" }.Validate());
        Assert.Empty(new AutoResearchOptions { Clustering = "Postgres", ClusterConnectionString = "Host=db", AdvertisedAddress = "silo-1.lab" }.Validate());
        Assert.Contains("AutoResearch:Clustering must be 'Localhost' or 'Postgres', not 'Redis'", new AutoResearchOptions { Clustering = "Redis" }.Validate());
        // The embedded silo takes free ports: its port settings are not checked.
        Assert.Empty(new AutoResearchOptions { SiloPort = 0, GatewayPort = 0 }.Validate());
    }

    private static Task<InProcessTestCluster> StartAsync(string data, PostgresTestDatabase db) =>
        ClusterFixture.StartAsync(data, slots: 2, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<ISandboxRunner>(new ScriptedSandboxRunner());
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddSingleton<IProposerFactory, ProposerFactory>();
        }, postgres: db.ConnectionString);

    /// <summary>A host with only <see cref="HostBuilderExtensions.AddAutoResearchSilo"/>, configured like a cluster node.</summary>
    private static IHost BuildSilo(string connectionString, string clusterId, int siloPort, int gatewayPort)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AutoResearch:Clustering"] = "Postgres",
            ["AutoResearch:ClusterConnectionString"] = connectionString,
            ["AutoResearch:ClusterId"] = clusterId,
            ["AutoResearch:ServiceId"] = clusterId,
            ["AutoResearch:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AutoResearch:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AutoResearch:AdvertisedAddress"] = "127.0.0.1",
            ["AutoResearch:DataDirectory"] = Path.Combine(Path.GetTempPath(), "ar-silo-" + Guid.NewGuid().ToString("N")[..8]),
        });
        builder.Logging.ClearProviders();
        var options = builder.Configuration.GetSection(AutoResearchOptions.Section).Get<AutoResearchOptions>()!;
        Assert.Empty(options.Validate());
        builder.AddAutoResearchSilo(options);
        return builder.Build();
    }

    private static int ActiveSilos(IHost host) =>
        host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);

    private static int Port(IHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.Port;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Serializer Serializer() =>
        new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(CampaignGrainState).Assembly).AddAssembly(typeof(ResourceUse).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>();
}
