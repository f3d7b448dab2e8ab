using System.Data.Common;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

/// <summary>The in-place upgrade of a real version 1 ledger (built from version 1's DDL, not from this build's model) to the current version (2, then 3, then 4).</summary>
public sealed class SchemaUpgradeTests
{
    private const string Baseline = "0000";
    private const string Proposal = "0001";

    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_version_1_ledger_is_upgraded_in_place_and_keeps_every_row(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        var createdAt = new DateTimeOffset(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);
        await using (var v1 = await Version1Ledger.CreateAsync(db))
        {
            await WriteVersion1RowsAsync(v1, campaign, createdAt);
        }

        // The first call runs the initializer, which finds version 1 and upgrades.
        var experiments = await db.Ledger.GetExperimentsAsync(campaign);

        Assert.Equal([Version1Baseline(campaign), Version1Proposal(campaign)], experiments.Select(Json));
        Assert.Equal(ExperimentKind.Baseline, experiments[0].Kind);
        Assert.Equal(ExperimentKind.Proposal, experiments[1].Kind);
        Assert.All(experiments, x =>
        {
            Assert.Equal(AcceptanceVerdict.NotJudged, x.Verdict);
            Assert.Equal(0, x.Tokens);
            Assert.Null(x.RepeatOf);
            Assert.Null(x.Confidence);
            Assert.Null(x.Margin);
            Assert.Null(x.SlotStartedAt);
            Assert.Null(x.SlotEndedAt);
        });

        var stored = (await db.Ledger.GetCampaignAsync(campaign))!;
        Assert.Equal(CampaignState.Running, stored.State);
        Assert.Equal(createdAt, stored.CreatedAt);
        Assert.Equal(Json(TestData.Campaign(campaign, createdAt).Spec), Json(stored.Spec));
        var note = Assert.Single(await db.Journal.ReadAsync(campaign));
        Assert.Equal((1L, "baseline measured", JournalEntryKind.Insight), (note.Id, note.Text, note.Kind));
        Assert.Equal(3, await db.Ledger.NextSequenceAsync(campaign));
        Assert.Equal([1, 2, 3, 4], await VersionsAsync(db));

        // New-style records on the upgraded database.
        var slot = new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
        var judged = experiments[1] with
        {
            Kind = ExperimentKind.Repeat,
            RepeatOf = experiments[0].Id,
            Verdict = AcceptanceVerdict.WithinNoise,
            Confidence = 0.61,
            Margin = -0.002,
            SlotStartedAt = slot,
            SlotEndedAt = slot.AddSeconds(42),
            Tokens = 77,
            Notes = ["artifact a_b (the per-run limit of 2 artifact files was reached)", "artifacts truncated: 2 files copied"],
            ArtifactsTruncated = true,
        };
        await db.Ledger.SaveExperimentAsync(judged);
        Assert.Equal(Json(judged), Json((await db.Ledger.GetExperimentAsync(judged.Id))!));

        var entry = new LeaderboardEntry
        {
            CampaignId = campaign,
            Index = 0,
            ExperimentId = experiments[0].Id,
            Sequence = 0,
            AgentId = "baseline",
            Objective = 0.25,
            AcceptedAt = slot,
            Parameters = experiments[0].Parameters,
        };
        await db.Ledger.AppendLeaderboardAsync(entry);
        Assert.Equal(Json(entry), Json(Assert.Single(await db.Ledger.GetLeaderboardAsync(campaign))));
        // The grounds of a later best are kept (the LeaderboardReason migration's column).
        var byMean = entry with { Index = 1, ExperimentId = judged.Id, Sequence = judged.Sequence, Grounds = AcceptanceReason.BetterMean };
        await db.Ledger.AppendLeaderboardAsync(byMean);
        var storedBest = (await db.Ledger.GetLeaderboardAsync(campaign))[^1];
        Assert.Equal((AcceptanceReason?)AcceptanceReason.BetterMean, storedBest.Grounds);
        Assert.Equal(AcceptanceReason.BetterMean, storedBest.Reason);

        var call = new ModelCallRecord
        {
            Id = $"{campaign}-call-1", CampaignId = campaign, AgentId = "llm-1", Provider = "ollama", Model = "m", Outcome = "ok", At = slot,
        };
        await db.Ledger.RecordModelCallAsync(call);
        Assert.Equal(call, Assert.Single(await db.Ledger.GetModelCallsAsync(campaign)));

        var control = await db.Ledger.EnqueueControlAsync(new ControlRequest
        {
            CampaignId = campaign, Action = ControlAction.SetBudget, Budget = new BudgetChange { GpuSeconds = 60 }, RequestedAt = slot,
        });
        Assert.Equal(control.Id, Assert.Single(await db.Ledger.GetPendingControlsAsync(campaign)).Id);
        await db.Ledger.CompleteControlAsync(control.Id, slot.AddSeconds(1), ControlOutcome.Applied("budget raised"));
        Assert.Empty(await db.Ledger.GetPendingControlsAsync(campaign));

        // A restart finds version 4 and changes nothing.
        await db.ReopenAsync();
        Assert.Equal([1, 2, 3, 4], await VersionsAsync(db));
        Assert.Equal(Json(judged), Json((await db.Ledger.GetExperimentAsync(judged.Id))!));
        Assert.Equal(Version1Baseline(campaign), Json((await db.Ledger.GetExperimentAsync(experiments[0].Id))!));
        var applied = (await db.Ledger.GetControlAsync(control.Id))!;
        Assert.Equal(("budget raised", ControlOutcomeKind.Applied), (applied.Outcome, applied.OutcomeKind));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_upgraded_schema_has_the_same_tables_columns_and_indexes_as_a_new_one(string backend)
    {
        await using var upgraded = LedgerTestDatabase.Create(backend);
        await using (var v1 = await Version1Ledger.CreateAsync(upgraded))
        {
            await WriteVersion1RowsAsync(v1, TestData.NewCampaignId(), DateTimeOffset.UtcNow);
        }

        await upgraded.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        await using var fresh = LedgerTestDatabase.Create(backend);
        await fresh.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();

        var expected = await DescribeSchemaAsync(fresh);
        var actual = await DescribeSchemaAsync(upgraded);
        Assert.Contains(expected, line => line.Contains(LedgerDbContext.ControlsTable, StringComparison.Ordinal));
        Assert.Contains(expected, line => line.Contains("slot_started_at", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task A_database_at_version_0_is_refused_rather_than_guessed_at()
    {
        await using var db = LedgerTestDatabase.Create("sqlite");
        await using (var v1 = await Version1Ledger.CreateAsync(db))
        {
            await Version1Ledger.ExecuteAsync(v1, $"UPDATE {LedgerDbContext.SchemaVersionTable} SET version = 0");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Ledger.ListCampaignsAsync());
        Assert.Contains("no upgrade", error.Message, StringComparison.Ordinal);
    }

    /// <summary>One campaign with a baseline and a failed proposal, a journal entry and a sequence counter, as version 1 stored them.</summary>
    private static async Task WriteVersion1RowsAsync(DbConnection v1, string campaign, DateTimeOffset createdAt)
    {
        await Version1Ledger.InsertAsync(v1, LedgerDbContext.CampaignsTable, new()
        {
            ["id"] = campaign,
            ["name"] = "demo",
            ["state"] = "Running",
            ["created_at"] = Text(createdAt),
            ["started_at"] = Text(createdAt.AddSeconds(1)),
            ["ended_at"] = null,
            ["deadline"] = Text(createdAt.AddHours(2)),
            ["reason"] = null,
            ["spec_json"] = LedgerJson.Serialize(TestData.Campaign(campaign, createdAt).Spec),
        });
        await Version1Ledger.InsertAsync(v1, LedgerDbContext.ExperimentsTable, new()
        {
            ["id"] = $"{campaign}/baseline/{Baseline}",
            ["campaign_id"] = campaign,
            ["agent_id"] = "baseline",
            ["sequence"] = 0,
            ["proposer_name"] = "baseline",
            ["status"] = "Succeeded",
            ["failure"] = "None",
            ["reason"] = null,
            ["image_id"] = "sha256:0123456789abcdef",
            ["container_id"] = "c0ffee",
            ["exit_code"] = 0L,
            ["queued_at"] = "2026-11-16T08:00:01.1234567Z",
            ["started_at"] = "2026-11-16T08:00:02.0000001Z",
            ["ended_at"] = "2026-11-16T08:01:02.5000000Z",
            ["objective"] = 0.25,
            ["attempt"] = 1,
            ["cpu_seconds"] = 60.5,
            ["gpu_seconds"] = 0.0,
            ["seed"] = 42,
            ["is_baseline"] = true,
            ["hypothesis"] = "",
            ["diff"] = null,
            ["log_head"] = "epoch 1\n",
            ["log_tail"] = "val_loss=0.25\n",
            ["parameters_json"] = """{"lr":"0.01","hidden":"64"}""",
            ["metrics_json"] = """[{"Name":"val_loss","Value":0.25,"Step":3},{"Name":"diverged","Value":"NaN","Step":null}]""",
            ["edited_files_json"] = "{}",
        });
        await Version1Ledger.InsertAsync(v1, LedgerDbContext.ExperimentsTable, new()
        {
            ["id"] = $"{campaign}/explorer-1/{Proposal}",
            ["campaign_id"] = campaign,
            ["agent_id"] = "explorer-1",
            ["sequence"] = 1,
            ["proposer_name"] = "gp",
            ["status"] = "Failed",
            ["failure"] = "Timeout",
            ["reason"] = "time limit of 300 s reached",
            ["image_id"] = null,
            ["container_id"] = null,
            ["exit_code"] = null,
            ["queued_at"] = "2026-11-16T08:02:00.0000000Z",
            ["started_at"] = null,
            ["ended_at"] = null,
            ["objective"] = null,
            ["attempt"] = 2,
            ["cpu_seconds"] = 300.0,
            ["gpu_seconds"] = 12.75,
            ["seed"] = 7,
            ["is_baseline"] = false,
            ["hypothesis"] = "A wider layer helps.",
            ["diff"] = "--- a/train.py\n+++ b/train.py\n",
            ["log_head"] = "",
            ["log_tail"] = "",
            ["parameters_json"] = """{"lr":"0.1","hidden":"256"}""",
            ["metrics_json"] = "[]",
            ["edited_files_json"] = """{"train.py":"x = 2\n"}""",
        });
        await Version1Ledger.InsertAsync(v1, LedgerDbContext.JournalTable, new()
        {
            ["campaign_id"] = campaign,
            ["author"] = "baseline",
            ["kind"] = "Insight",
            ["text"] = "baseline measured",
            ["experiment_id"] = $"{campaign}/baseline/{Baseline}",
            ["at"] = Text(createdAt.AddMinutes(1)),
        });
        await Version1Ledger.InsertAsync(v1, LedgerDbContext.SequencesTable, new() { ["campaign_id"] = campaign, ["last_sequence"] = 2 });
    }

    /// <summary>The version 1 baseline as version 2 must read it (JSON of the whole record, so every field counts).</summary>
    private static string Version1Baseline(string campaign) => Json(new ExperimentRecord
    {
        Id = $"{campaign}/baseline/{Baseline}",
        CampaignId = campaign,
        AgentId = "baseline",
        Sequence = 0,
        ProposerName = "baseline",
        Status = ExperimentStatus.Succeeded,
        Failure = FailureKind.None,
        ImageId = "sha256:0123456789abcdef",
        ContainerId = "c0ffee",
        ExitCode = 0,
        QueuedAt = new DateTimeOffset(2026, 11, 16, 8, 0, 1, TimeSpan.Zero).AddTicks(1234567),
        StartedAt = new DateTimeOffset(2026, 11, 16, 8, 0, 2, TimeSpan.Zero).AddTicks(1),
        EndedAt = new DateTimeOffset(2026, 11, 16, 8, 1, 2, 500, TimeSpan.Zero),
        Objective = 0.25,
        Attempt = 1,
        CpuSeconds = 60.5,
        GpuSeconds = 0,
        Seed = 42,
        IsBaseline = true,
        Hypothesis = "",
        LogHead = "epoch 1\n",
        LogTail = "val_loss=0.25\n",
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "0.01", ["hidden"] = "64" }),
        Metrics = [new MetricPoint { Name = "val_loss", Value = 0.25, Step = 3 }, new MetricPoint { Name = "diverged", Value = double.NaN }],
        EditedFiles = [],
        Kind = ExperimentKind.Baseline,
    });

    private static string Version1Proposal(string campaign) => Json(new ExperimentRecord
    {
        Id = $"{campaign}/explorer-1/{Proposal}",
        CampaignId = campaign,
        AgentId = "explorer-1",
        Sequence = 1,
        ProposerName = "gp",
        Status = ExperimentStatus.Failed,
        Failure = FailureKind.Timeout,
        Reason = "time limit of 300 s reached",
        QueuedAt = new DateTimeOffset(2026, 11, 16, 8, 2, 0, TimeSpan.Zero),
        Attempt = 2,
        CpuSeconds = 300,
        GpuSeconds = 12.75,
        Seed = 7,
        IsBaseline = false,
        Hypothesis = "A wider layer helps.",
        Diff = "--- a/train.py\n+++ b/train.py\n",
        LogHead = "",
        LogTail = "",
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "0.1", ["hidden"] = "256" }),
        Metrics = [],
        EditedFiles = new() { ["train.py"] = "x = 2\n" },
        Kind = ExperimentKind.Proposal,
    });

    private static string Json<T>(T value) => LedgerJson.Serialize(value);

    private static string Text(DateTimeOffset value) => Storage.UtcTextDateTimeOffsetConverter.ToText(value);

    private static async Task<List<int>> VersionsAsync(LedgerTestDatabase db)
    {
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        return (await context.SchemaVersions.AsNoTracking().ToListAsync()).Select(v => v.Version).Order().ToList();
    }

    /// <summary>Every table's columns (name, type, nullability, key, identity) and every index, one line each, sorted; defaults left out.</summary>
    internal static async Task<List<string>> DescribeSchemaAsync(LedgerTestDatabase db)
    {
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = new List<string>();
        if (db.Backend == "sqlite")
        {
            var tables = await Version1Ledger.QueryAsync(connection,
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'ledger_%' ORDER BY name");
            foreach (var table in tables)
            {
                var name = (string)table["name"]!;
                var autoincrement = ((string)table["sql"]!).Contains("AUTOINCREMENT", StringComparison.Ordinal);
                lines.Add($"table {name} autoincrement={autoincrement}");
                foreach (var c in await Version1Ledger.QueryAsync(connection, $"SELECT cid, name, type, \"notnull\", pk FROM pragma_table_info('{name}') ORDER BY cid"))
                {
                    lines.Add($"column {name}.{c["cid"]} {c["name"]} {c["type"]} notnull={c["notnull"]} pk={c["pk"]}");
                }

                foreach (var i in await Version1Ledger.QueryAsync(connection,
                    $"SELECT l.name AS name, l.\"unique\" AS uq, l.origin AS origin, group_concat(c.name, ',') AS columns " +
                    $"FROM pragma_index_list('{name}') l JOIN pragma_index_info(l.name) c GROUP BY l.name, l.\"unique\", l.origin"))
                {
                    lines.Add($"index {name} {i["name"]} unique={i["uq"]} origin={i["origin"]} ({i["columns"]})");
                }
            }
        }
        else
        {
            foreach (var c in await Version1Ledger.QueryAsync(connection,
                "SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length, is_nullable, is_identity " +
                "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name LIKE 'ledger_%'"))
            {
                lines.Add($"column {c["table_name"]}.{c["ordinal_position"]} {c["column_name"]} {c["data_type"]}({c["character_maximum_length"]}) " +
                    $"nullable={c["is_nullable"]} identity={c["is_identity"]}");
            }

            foreach (var i in await Version1Ledger.QueryAsync(connection,
                "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'ledger_%'"))
            {
                lines.Add($"index {i["tablename"]} {i["indexdef"]}");
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
