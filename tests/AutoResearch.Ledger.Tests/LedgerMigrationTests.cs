using System.Data.Common;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

/// <summary>The pre-migrations initializer's last schema (version 4), from its create scripts kept under Legacy/.</summary>
internal static class LegacyLedger
{
    public static string[] Version4Script(string backend) =>
        [File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Legacy", $"version4.{backend}.sql"))];

    /// <summary>A version 4 ledger as that initializer left it (tables, indexes, version row), and an open plain connection to it.</summary>
    public static Task<DbConnection> CreateVersion4Async(LedgerTestDatabase db) =>
        Version1Ledger.CreateAsync(db, Version4Script("sqlite"), Version4Script("postgres"), version: 4);
}

/// <summary>EF Core migrations: new ledgers, pre-migrations ledgers (baselined, rows kept) and several processes at once.</summary>
public sealed class LedgerMigrationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_version_4_ledger_with_rows_is_baselined_at_the_initial_migration_and_keeps_every_row(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        await using (var v4 = await LegacyLedger.CreateVersion4Async(db))
        {
            await WriteVersion4RowsAsync(v4, campaign);
        }

        var experiment = Assert.Single(await db.Ledger.GetExperimentsAsync(campaign));
        Assert.Equal((ExperimentKind.Repeat, "r-0", AcceptanceVerdict.WithinNoise, 0.61, -0.002, 77L),
            (experiment.Kind, experiment.RepeatOf, experiment.Verdict, experiment.Confidence, experiment.Margin, experiment.Tokens));
        Assert.Equal((ProposalOrigin.Model, true, "note 1"), (experiment.Origin, experiment.ArtifactsTruncated, Assert.Single(experiment.Notes)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero), experiment.SlotStartedAt);
        Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.01" }, experiment.Parameters.ToText());
        Assert.Equal("demo", (await db.Ledger.GetCampaignAsync(campaign))!.Name);
        var note = Assert.Single(await db.Journal.ReadAsync(campaign));
        Assert.Equal(("baseline measured", JournalEntryKind.Insight), (note.Text, note.Kind));
        Assert.Equal(6, await db.Ledger.NextSequenceAsync(campaign));
        var control = Assert.Single(await db.Ledger.GetControlsAsync(campaign));
        Assert.Equal(("paused", ControlOutcomeKind.Applied), (control.Outcome, control.OutcomeKind));

        await AssertMigratedAsync(db, expectedVersions: [4]);

        // A restart finds the ledger on migrations and changes nothing.
        await db.ReopenAsync();
        Assert.Single(await db.Ledger.GetExperimentsAsync(campaign));
        await AssertMigratedAsync(db, expectedVersions: [4]);
    }

    public static TheoryData<string, bool> BackendsWithAndWithoutTheCoveringIndex
    {
        get
        {
            var data = new TheoryData<string, bool> { { "sqlite", true }, { "sqlite", false } };
            if (LedgerTestDatabase.PostgresConnectionString is not null)
            {
                data.Add("postgres", true);
                data.Add("postgres", false); // version 4 ledgers made before the covering index (added without a version change)
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(BackendsWithAndWithoutTheCoveringIndex))]
    public async Task A_baselined_version_4_ledger_has_the_schema_of_a_new_one(string backend, bool coveringIndex)
    {
        await using var old = LedgerTestDatabase.Create(backend);
        await using (var v4 = await LegacyLedger.CreateVersion4Async(old))
        {
            if (!coveringIndex)
                await Version1Ledger.ExecuteAsync(v4, $"DROP INDEX {LedgerDbContext.ExperimentsCoveringIndex}");
        }

        await old.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        await using var fresh = LedgerTestDatabase.Create(backend);
        await fresh.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();

        Assert.Equal(await SchemaUpgradeTests.DescribeSchemaAsync(fresh), await SchemaUpgradeTests.DescribeSchemaAsync(old));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Several_processes_migrating_a_new_database_together_all_succeed(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        await InitializeTogetherAsync(db, processes: 4);
        await AssertMigratedAsync(db, expectedVersions: []);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Several_processes_upgrading_a_version_1_ledger_together_upgrade_it_once(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        await using (var v1 = await Version1Ledger.CreateAsync(db))
        {
            await Version1Ledger.InsertAsync(v1, LedgerDbContext.SequencesTable, new() { ["campaign_id"] = campaign, ["last_sequence"] = 9 });
        }

        await InitializeTogetherAsync(db, processes: 4);
        await AssertMigratedAsync(db, expectedVersions: [1, 2, 3, 4]);
        Assert.Equal(10, await db.Ledger.NextSequenceAsync(campaign));
    }

    /// <summary>
    /// EF Core's SQLite migration lock is a row in <c>__EFMigrationsLock</c>; a process killed while holding it leaves the row,
    /// and EF Core waits for it for ever. A ledger with nothing to migrate takes no lock, and one that needs migrating
    /// clears a dead process's row under a file lock that dies with its holder.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_lock_row_left_by_a_process_killed_while_migrating_does_not_hang_the_next_start(bool killedDuringTheFirstMigration)
    {
        await using var db = LedgerTestDatabase.Create("sqlite");
        if (!killedDuringTheFirstMigration)
            await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        else
            Directory.CreateDirectory(Path.GetDirectoryName(db.Settings.SqliteFile!)!);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var stale = connection.CreateCommand();
            stale.CommandText = """
                CREATE TABLE IF NOT EXISTS "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
                INSERT OR IGNORE INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-05 03:00:00+00:00');
                """;
            await stale.ExecuteNonQueryAsync();
        }

        await db.ReopenAsync();
        try
        {
            await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the ledger did not start within {Timeout.TotalSeconds} s of a dead process's migration lock row");
        }
        await AssertMigratedAsync(db, expectedVersions: []);
    }

    /// <summary>Independent service providers (like processes) run the initializer at the same moment.</summary>
    private static async Task InitializeTogetherAsync(LedgerTestDatabase db, int processes)
    {
        var providers = Enumerable.Range(0, processes).Select(_ => db.BuildIndependent()).ToList();
        try
        {
            using var start = new ManualResetEventSlim();
            var runs = providers.Select(p => Task.Run(async () =>
            {
                start.Wait();
                await p.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
            })).ToList();
            start.Set();
            await Task.WhenAll(runs).WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{processes} initializers starting together did not finish within {Timeout.TotalSeconds} s");
        }
        finally
        {
            foreach (var p in providers)
                await p.DisposeAsync();
        }
    }

    /// <summary>Every migration applied once, no model change left without one, and the pre-migrations versions as expected.</summary>
    private static async Task AssertMigratedAsync(LedgerTestDatabase db, int[] expectedVersions)
    {
        await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync());
        Assert.False(context.Database.HasPendingModelChanges());
        Assert.Equal(expectedVersions, (await context.SchemaVersions.AsNoTracking().ToListAsync()).Select(v => v.Version).Order());
    }

    /// <summary>A campaign, an experiment with every version 2–4 column set, a journal entry, a sequence counter and an applied control.</summary>
    private static async Task WriteVersion4RowsAsync(DbConnection v4, string campaign)
    {
        var at = "2026-12-01T21:00:00.0000000Z";
        await Version1Ledger.InsertAsync(v4, LedgerDbContext.CampaignsTable, new()
        {
            ["id"] = campaign, ["name"] = "demo", ["state"] = "Running", ["created_at"] = at, ["started_at"] = at, ["ended_at"] = null,
            ["deadline"] = null, ["reason"] = null, ["spec_json"] = LedgerJson.Serialize(TestData.Campaign(campaign, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)).Spec),
        });
        await Version1Ledger.InsertAsync(v4, LedgerDbContext.ExperimentsTable, new()
        {
            ["id"] = $"{campaign}/llm-1/0005", ["campaign_id"] = campaign, ["agent_id"] = "llm-1", ["sequence"] = 5, ["proposer_name"] = "llm",
            ["status"] = "Succeeded", ["failure"] = "None", ["reason"] = null, ["image_id"] = "sha256:ab", ["container_id"] = "c0ffee",
            ["exit_code"] = 0L, ["queued_at"] = at, ["started_at"] = at, ["ended_at"] = at, ["objective"] = 0.2, ["attempt"] = 1,
            ["cpu_seconds"] = 1.5, ["gpu_seconds"] = 0.0, ["seed"] = 7, ["is_baseline"] = false, ["hypothesis"] = "h", ["diff"] = null,
            ["log_head"] = "", ["log_tail"] = "", ["parameters_json"] = """{"lr":"0.01"}""", ["metrics_json"] = "[]", ["edited_files_json"] = "{}",
            ["kind"] = "Repeat", ["repeat_of"] = "r-0", ["verdict"] = "WithinNoise", ["confidence"] = 0.61, ["margin"] = -0.002,
            ["slot_started_at"] = "2026-12-01T22:00:00.0000000Z", ["slot_ended_at"] = null, ["tokens"] = 77L,
            ["notes_json"] = """["note 1"]""", ["artifacts_truncated"] = true, ["origin"] = "Model",
        });
        await Version1Ledger.InsertAsync(v4, LedgerDbContext.JournalTable, new()
        {
            ["campaign_id"] = campaign, ["author"] = "baseline", ["kind"] = "Insight", ["text"] = "baseline measured", ["experiment_id"] = null, ["at"] = at,
        });
        await Version1Ledger.InsertAsync(v4, LedgerDbContext.SequencesTable, new() { ["campaign_id"] = campaign, ["last_sequence"] = 5 });
        await Version1Ledger.InsertAsync(v4, LedgerDbContext.ControlsTable, new()
        {
            ["campaign_id"] = campaign, ["agent_id"] = null, ["action"] = "Pause", ["budget_tokens"] = null, ["budget_gpu_seconds"] = null,
            ["budget_cpu_seconds"] = null, ["reason"] = "", ["requested_by"] = "cli", ["requested_at"] = at, ["applied_at"] = at,
            ["outcome"] = "paused", ["outcome_kind"] = "Applied",
        });
    }
}
