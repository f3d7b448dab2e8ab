using AutoResearch.Abstractions.Experiments;
using Microsoft.Data.Sqlite;

namespace AutoResearch.Ledger.Tests;

/// <summary>Version 3 → 4: typed control outcomes and proposal origins, given to the rows written before them once, at the upgrade.</summary>
public sealed class SchemaVersion4Tests
{
    [Fact]
    public async Task A_version_3_ledger_gets_its_outcome_kinds_and_proposal_origins_from_what_version_3_wrote()
    {
        await using var db = LedgerTestDatabase.Create("sqlite");
        var id = TestData.NewCampaignId();
        var now = new DateTimeOffset(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);
        await db.Ledger.UpsertCampaignAsync(TestData.Campaign(id, now));
        await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(id, 1) with { ProposerName = "tpe (fallback)" });
        await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(id, 2) with { ProposerName = "llm" });
        await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(id, 3) with { ProposerName = "gp" });
        string[] outcomes = ["refused: the campaign is completed", "nothing to do: the campaign is running", "budget tokens 10"];
        var controls = new List<long>();
        foreach (var _ in outcomes)
            controls.Add((await db.Ledger.EnqueueControlAsync(new ControlRequest { CampaignId = id, Action = ControlAction.Pause, RequestedAt = now })).Id);
        var pending = (await db.Ledger.EnqueueControlAsync(new ControlRequest { CampaignId = id, Action = ControlAction.Stop, RequestedAt = now })).Id;

        // Back to what version 3 stored: texts only, no kinds, no origins.
        await using (var v3 = new SqliteConnection($"Data Source={db.Settings.SqliteFile}"))
        {
            await v3.OpenAsync();
            for (var i = 0; i < outcomes.Length; i++)
                await Version1Ledger.ExecuteAsync(v3, $"UPDATE {LedgerDbContext.ControlsTable} SET outcome = '{outcomes[i]}', applied_at = '2026-12-04T20:00:01.0000000Z' WHERE id = {controls[i]}");
            await Version1Ledger.ExecuteAsync(v3, $"ALTER TABLE {LedgerDbContext.ControlsTable} DROP COLUMN outcome_kind");
            await Version1Ledger.ExecuteAsync(v3, $"ALTER TABLE {LedgerDbContext.ExperimentsTable} DROP COLUMN origin");
            // Nor the columns of the migrations after InitialCreate (they are added again when the ledger migrates).
            await Version1Ledger.ExecuteAsync(v3, $"ALTER TABLE {LedgerDbContext.LeaderboardTable} DROP COLUMN reason");
            await Version1Ledger.ExecuteAsync(v3, $"ALTER TABLE {LedgerDbContext.ExperimentsTable} DROP COLUMN host");
            foreach (var column in new[] { "experiment_sequence", "limit_deadline", "limit_max_experiments", "limit_slots", "parameters_json" })
                await Version1Ledger.ExecuteAsync(v3, $"ALTER TABLE {LedgerDbContext.ControlsTable} DROP COLUMN {column}");
            await Version1Ledger.ExecuteAsync(v3, $"DROP TABLE {LedgerDbContext.LabQuotasTable}");
            // A pre-migrations ledger: its version in ledger_schema_version, no migrations history.
            await Version1Ledger.ExecuteAsync(v3, "DELETE FROM \"__EFMigrationsHistory\"");
            await Version1Ledger.ExecuteAsync(v3, $"INSERT INTO {LedgerDbContext.SchemaVersionTable} (version, applied_at) VALUES (3, '2026-12-04T19:00:00.0000000Z')");
        }
        SqliteConnection.ClearAllPools();
        await db.ReopenAsync();

        var experiments = await db.Ledger.GetExperimentsAsync(id);
        Assert.Equal([ProposalOrigin.Fallback, ProposalOrigin.Model, ProposalOrigin.Strategy], experiments.OrderBy(e => e.Sequence).Select(e => e.Origin));
        var kinds = new List<ControlOutcomeKind?>();
        foreach (var control in controls)
            kinds.Add((await db.Ledger.GetControlAsync(control))!.OutcomeKind);
        Assert.Equal([ControlOutcomeKind.Refused, ControlOutcomeKind.NoOp, ControlOutcomeKind.Applied], kinds);
        Assert.Null((await db.Ledger.GetControlAsync(pending))!.OutcomeKind);

        // New rows keep the kind they are given, whatever their text says.
        await db.Ledger.CompleteControlAsync(pending, now.AddSeconds(2), new ControlOutcome(ControlOutcomeKind.Applied, "refused: only looks refused"));
        var applied = (await db.Ledger.GetControlAsync(pending))!;
        Assert.Equal((ControlOutcomeKind.Applied, false, true), (applied.OutcomeKind!.Value, applied.IsRefused, applied.TookEffect));
    }
}
