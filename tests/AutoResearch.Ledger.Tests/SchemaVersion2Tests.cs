using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

/// <summary>Schema version 2: leaderboard, model calls, control requests, the new experiment fields, and the upgrade from version 1.</summary>
public sealed class SchemaVersion2Tests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task New_experiment_fields_round_trip(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var id = TestData.NewCampaignId();
        var at = new DateTimeOffset(2026, 11, 23, 23, 1, 2, 345, TimeSpan.Zero);
        var record = TestData.FullExperiment(id, 7) with
        {
            Status = ExperimentStatus.Pruned,
            Kind = ExperimentKind.Repeat,
            RepeatOf = $"{id}/0003",
            Verdict = AcceptanceVerdict.WithinNoise,
            Confidence = 0.8123,
            Margin = 0.0042,
            SlotStartedAt = at,
            SlotEndedAt = at.AddSeconds(17.25),
            Tokens = 12345,
        };
        await db.Ledger.SaveExperimentAsync(record);
        var back = (await db.Ledger.GetExperimentAsync(record.Id))!;
        Assert.Equal(ExperimentStatus.Pruned, back.Status);
        Assert.Equal(ExperimentKind.Repeat, back.Kind);
        Assert.Equal(record.RepeatOf, back.RepeatOf);
        Assert.Equal(AcceptanceVerdict.WithinNoise, back.Verdict);
        Assert.Equal(0.8123, back.Confidence);
        Assert.Equal(0.0042, back.Margin);
        Assert.Equal(record.SlotStartedAt, back.SlotStartedAt);
        Assert.Equal(record.SlotEndedAt, back.SlotEndedAt);
        Assert.Equal(12345, back.Tokens);
        Assert.True(back.IsFinished);
    }

    /// <summary>Compares the whole record as JSON, and first checks that the record sets every property, so a field the mapper forgets fails here.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Every_experiment_field_round_trips(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var id = TestData.NewCampaignId();
        var full = TestData.FullExperiment(id, 7);
        var slot = new DateTimeOffset(2026, 11, 23, 22, 30, 0, TimeSpan.Zero).AddTicks(9876543);
        var record = full with
        {
            QueuedAt = full.QueuedAt.ToUniversalTime(), // the ledger returns instants with offset zero
            StartedAt = full.StartedAt!.Value.ToUniversalTime(),
            EndedAt = full.EndedAt!.Value.ToUniversalTime(),
            Status = ExperimentStatus.Succeeded,
            Kind = ExperimentKind.Repeat,
            RepeatOf = $"{id}/explorer-1/0003",
            Verdict = AcceptanceVerdict.Confirming,
            Confidence = 0.5,
            Margin = -0.25,
            SlotStartedAt = slot,
            SlotEndedAt = slot.AddMinutes(3),
            Tokens = long.MaxValue,
            Notes = ["artifact x (the per-run limit of 1 artifact files was reached)", "artifacts truncated: 1 files copied"],
            ArtifactsTruncated = true,
            Origin = ProposalOrigin.Fallback,
            Host = "gpu-box-11111",
        };
        var plain = TestData.MinimalExperiment("other", 0, "nobody") with { QueuedAt = default };
        var stored = typeof(ExperimentRecord).GetProperties().Where(p => p.SetMethod is not null).ToList();
        Assert.True(stored.Count >= 35, $"only {stored.Count} settable properties found");
        Assert.All(stored, p => Assert.NotEqual(LedgerJson.Serialize(p.GetValue(plain)), LedgerJson.Serialize(p.GetValue(record))));

        await db.Ledger.SaveExperimentAsync(record);
        Assert.Equal(LedgerJson.Serialize(record), LedgerJson.Serialize((await db.Ledger.GetExperimentAsync(record.Id))!));
        Assert.Equal(LedgerJson.Serialize(record), LedgerJson.Serialize(Assert.Single(await db.Ledger.GetExperimentsAsync(id))));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Control_requests_from_two_processes_at_once_get_distinct_ids_in_queue_order(string backend)
    {
        const int writers = 8;
        const int perWriter = 10;
        await using var db = LedgerTestDatabase.Create(backend);
        await using var second = db.BuildIndependent();
        var id = TestData.NewCampaignId();
        var queued = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var ledger = (w % 2 == 0 ? db.Services : second).GetRequiredService<Abstractions.Ports.ILedger>();
            var ids = new List<long>();
            for (var i = 0; i < perWriter; i++)
            {
                var request = await ledger.EnqueueControlAsync(new ControlRequest
                {
                    CampaignId = id, Action = ControlAction.Resume, Reason = $"{w}/{i}", RequestedAt = DateTimeOffset.UtcNow,
                });
                Assert.Equal($"{w}/{i}", request.Reason);
                ids.Add(request.Id);
            }

            Assert.Equal(ids.Order(), ids); // one writer's requests queue in the order it made them
            return ids;
        })));

        var all = queued.SelectMany(i => i).ToList();
        Assert.Equal(writers * perWriter, all.Distinct().Count());
        var pending = await db.Ledger.GetPendingControlsAsync(id);
        Assert.Equal(all.Order(), pending.Select(p => p.Id));
        Assert.All(pending, p => Assert.Null(p.AppliedAt));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Leaderboard_entries_come_back_in_index_order_and_appending_twice_keeps_one(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var id = TestData.NewCampaignId();
        foreach (var index in new[] { 2, 0, 1 })
            await db.Ledger.AppendLeaderboardAsync(Entry(id, index));
        // A replayed append (a resumed campaign judging its last experiment again) leaves the stored entry as it is.
        await db.Ledger.AppendLeaderboardAsync(Entry(id, 1) with { Objective = 42, AgentId = "replayed", Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "9" }) });
        await db.Ledger.AppendLeaderboardAsync(Entry(TestData.NewCampaignId("other"), 0));

        var board = await db.Ledger.GetLeaderboardAsync(id);
        Assert.Equal([0, 1, 2], board.Select(e => e.Index));
        var first = board[1];
        Assert.Equal(Entry(id, 1).Objective, first.Objective);
        Assert.Equal("explorer-1", first.AgentId);
        Assert.Equal($"{id}/0001", first.ExperimentId);
        Assert.Equal(1, first.Sequence);
        Assert.Equal(0.02, first.Margin);
        Assert.Equal(Entry(id, 1).AcceptedAt, first.AcceptedAt);
        Assert.Equal(3, first.Runs);
        Assert.Equal(0.01, first.StdDev);
        Assert.Equal(0.99, first.Confidence);
        Assert.Equal("0.01", first.Parameters["lr"].Text);
        Assert.Equal("print(1)", first.EditedFiles["train.py"]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Model_calls_are_recorded_once_per_id_and_listed_by_time(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var id = TestData.NewCampaignId();
        var t = new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
        var late = Call(id, "b", t.AddSeconds(5));
        var early = Call(id, "a", t);
        await db.Ledger.RecordModelCallAsync(late);
        await db.Ledger.RecordModelCallAsync(early);
        await db.Ledger.RecordModelCallAsync(early with { Outcome = "ok" });

        var calls = await db.Ledger.GetModelCallsAsync(id);
        Assert.Equal(["a", "b"], calls.Select(c => c.Id[^1..]));
        Assert.Equal(early with { Outcome = "ok" }, calls[0]);
        Assert.Equal(1500, calls[0].TotalTokens);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Control_requests_are_queued_with_distinct_ids_and_leave_the_pending_list_once_applied(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var id = TestData.NewCampaignId();
        var now = DateTimeOffset.UtcNow;
        var queued = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => db.Ledger.EnqueueControlAsync(new ControlRequest
        {
            CampaignId = id,
            AgentId = i % 2 == 0 ? null : $"agent-{i}",
            Action = i % 4 == 0 ? ControlAction.SetBudget : ControlAction.Pause,
            Budget = i % 4 == 0 ? new BudgetChange { CpuSeconds = 100 * i, Tokens = 5 } : null,
            Reason = $"request {i}",
            RequestedBy = "test",
            RequestedAt = now,
        })));
        Assert.Equal(8, queued.Select(q => q.Id).Distinct().Count());
        Assert.All(queued, q => Assert.True(q.Id > 0));

        var pending = await db.Ledger.GetPendingControlsAsync(id);
        Assert.Equal(queued.Select(q => q.Id).Order(), pending.Select(p => p.Id));
        var budget = pending.First(p => p.Action == ControlAction.SetBudget && p.Budget!.CpuSeconds > 0);
        Assert.Equal(5, budget.Budget!.Tokens);
        Assert.Null(budget.Budget.GpuSeconds);

        await db.Ledger.CompleteControlAsync(pending[0].Id, now.AddSeconds(1), ControlOutcome.Applied("paused"));
        var applied = (await db.Ledger.GetControlAsync(pending[0].Id))!;
        Assert.Equal("paused", applied.Outcome);
        Assert.Equal(ControlOutcomeKind.Applied, applied.OutcomeKind);
        Assert.NotNull(applied.AppliedAt);
        Assert.Equal(7, (await db.Ledger.GetPendingControlsAsync(id)).Count);
        Assert.Empty(await db.Ledger.GetPendingControlsAsync("nobody"));
        Assert.Null(await db.Ledger.GetControlAsync(-1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Ledger.CompleteControlAsync(999_999, now, ControlOutcome.Applied("x")));
    }

    private static LeaderboardEntry Entry(string campaignId, int index) => new()
    {
        CampaignId = campaignId,
        Index = index,
        ExperimentId = $"{campaignId}/{index:D4}",
        Sequence = index,
        AgentId = "explorer-1",
        Objective = 1.0 / (index + 1),
        Runs = 3,
        StdDev = 0.01,
        Confidence = 0.99,
        Margin = 0.02,
        AcceptedAt = new DateTimeOffset(2026, 11, 23, 22, index, 0, TimeSpan.Zero),
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "0.01" }),
        EditedFiles = new() { ["train.py"] = "print(1)" },
    };

    private static ModelCallRecord Call(string campaignId, string suffix, DateTimeOffset at) => new()
    {
        Id = $"{campaignId}-call-{suffix}",
        CampaignId = campaignId,
        AgentId = "llm-1",
        Provider = "openai-compatible",
        Model = "qwen2.5-coder",
        Purpose = "propose",
        PromptTokens = 1200,
        CompletionTokens = 300,
        LatencyMs = 812.5,
        Outcome = "retry",
        At = at,
    };
}
