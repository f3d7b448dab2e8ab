using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Ledger.Tests;

/// <summary>The lab's quota (migration LabQuotas) round-trips, and the lab's use is summed across campaigns in the database.</summary>
public sealed class LabQuotaLedgerTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_quota_is_set_replaced_and_read_and_the_use_of_every_campaign_counts(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        Assert.Equal(LabQuota.None, await db.Ledger.GetLabQuotaAsync());
        Assert.Equal(ResourceUse.Zero, await db.Ledger.GetLabUsageAsync());

        var at = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
        var quota = new LabQuota { Limits = new BudgetSpec { GpuSeconds = 36_000, CpuSeconds = 72_000, Tokens = 1_000_000 }, SetBy = "alice", SetAt = at };
        await db.Ledger.SetLabQuotaAsync(quota);
        Assert.Equal(quota, await db.Ledger.GetLabQuotaAsync());
        var replaced = quota with { Limits = new BudgetSpec { GpuSeconds = 7_200 }, SetBy = "bob", SetAt = at.AddHours(1) };
        await db.Ledger.SetLabQuotaAsync(replaced);
        Assert.Equal(replaced, await db.Ledger.GetLabQuotaAsync());

        string[] campaigns = [TestData.NewCampaignId("a"), TestData.NewCampaignId("b")];
        foreach (var (id, i) in campaigns.Select((c, i) => (c, i)))
        {
            await db.Ledger.UpsertCampaignAsync(TestData.Campaign(id, at));
            await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(id, 1) with { CpuSeconds = 100 + i, GpuSeconds = 10 });
            await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(id, 2) with { CpuSeconds = 50 });
            await db.Ledger.RecordModelCallAsync(new ModelCallRecord
            {
                Id = $"{id}-call", CampaignId = id, AgentId = "llm-1", Provider = "ollama", Model = "m", Outcome = "ok", At = at,
                PromptTokens = 300, CompletionTokens = 200,
            });
        }

        var used = await db.Ledger.GetLabUsageAsync();
        Assert.Equal((301.0, 20.0, 1000L), (used.CpuSeconds, used.GpuSeconds, used.Tokens));
        // The interface's own sum (for ledgers without SQL) agrees with the database's.
        Assert.Equal(used, await ((ILedger)new ListingOnly(db.Ledger)).GetLabUsageAsync());
    }

    /// <summary>A ledger that answers the listing calls only, so <see cref="ILedger.GetLabUsageAsync"/> falls back to its default.</summary>
    private sealed class ListingOnly(ILedger inner) : ILedger
    {
        public Task UpsertCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetCampaignAsync(campaignId, cancellationToken);
        public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) => inner.ListCampaignsAsync(cancellationToken);
        public Task SaveExperimentAsync(ExperimentRecord experiment, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ExperimentRecord?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default) => inner.GetExperimentAsync(experimentId, cancellationToken);
        public Task<IReadOnlyList<ExperimentRecord>> GetExperimentsAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetExperimentsAsync(campaignId, cancellationToken);
        public Task<int> NextSequenceAsync(string campaignId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task AppendLeaderboardAsync(LeaderboardEntry entry, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetLeaderboardAsync(campaignId, cancellationToken);
        public Task RecordModelCallAsync(ModelCallRecord call, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ModelCallRecord>> GetModelCallsAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetModelCallsAsync(campaignId, cancellationToken);
        public Task<ControlRequest> EnqueueControlAsync(ControlRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ControlRequest>> GetPendingControlsAsync(string campaignId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task CompleteControlAsync(long id, DateTimeOffset appliedAt, ControlOutcome outcome, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<ControlRequest?> GetControlAsync(long id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ControlRequest>> GetControlsAsync(string campaignId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
