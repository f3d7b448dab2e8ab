using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Testing.Reports;

namespace AutoResearch.Reports.Tests;

/// <summary>
/// <see cref="SampleCampaign"/> in a real SQLite ledger (the embedded default), with scout-1's model calls and the budget
/// changes made while it ran: explorer-1's CPU budget raised to 5000 s and the campaign's token budget set to 500,000
/// (plus a refused change that must not count).
/// </summary>
internal sealed class SqliteSampleLedger : IAsyncDisposable
{
    public const long ScoutPromptTokens = 1200 + 900;
    public const long ScoutCompletionTokens = 300 + 100;

    private readonly ReportLedger _db;

    private SqliteSampleLedger(ReportLedger db) => _db = db;

    public string Directory => _db.Directory;
    public ILedger Ledger => _db.Ledger;
    public IJournal Journal => _db.Journal;

    public static async Task<SqliteSampleLedger> SeedAsync()
    {
        var seeded = new SqliteSampleLedger(await ReportLedger.CreateAsync());
        var ledger = seeded.Ledger;
        await ledger.UpsertCampaignAsync(SampleCampaign.Campaign());
        foreach (var e in SampleCampaign.Experiments()) await ledger.SaveExperimentAsync(e);
        foreach (var entry in SampleCampaign.Journal()) await seeded.Journal.AppendAsync(entry);
        await ledger.RecordModelCallAsync(Call("c1", 6, 1200, 300));
        await ledger.RecordModelCallAsync(Call("c2", 16, 900, 100));
        await Budget("explorer-1", new BudgetChange { CpuSeconds = 5000 }, 12, ControlOutcome.Applied("applied to agent explorer-1: budget CPU-s 5000"));
        await Budget(null, new BudgetChange { Tokens = 500_000 }, 13, ControlOutcome.Applied("budget tokens 500000, CPU-s unlimited, GPU-s unlimited"));
        await Budget(null, new BudgetChange { CpuSeconds = 1 }, 14, ControlOutcome.Refused("the campaign is completed"));
        return seeded;

        async Task Budget(string? agent, BudgetChange change, double minute, ControlOutcome outcome)
        {
            var queued = await ledger.EnqueueControlAsync(new ControlRequest
            {
                CampaignId = SampleCampaign.Id,
                AgentId = agent,
                Action = ControlAction.SetBudget,
                Budget = change,
                RequestedBy = "ana",
                Reason = "worth more",
                RequestedAt = SampleCampaign.Start.AddMinutes(minute),
            });
            await ledger.CompleteControlAsync(queued.Id, SampleCampaign.Start.AddMinutes(minute), outcome);
        }
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private static ModelCallRecord Call(string id, double minute, long prompt, long completion) => new()
    {
        Id = id,
        CampaignId = SampleCampaign.Id,
        AgentId = "scout-1",
        Provider = "gpt-test",
        Model = "gpt-test",
        Purpose = "proposal",
        PromptTokens = prompt,
        CompletionTokens = completion,
        LatencyMs = 800,
        Outcome = "ok",
        At = SampleCampaign.Start.AddMinutes(minute),
    };
}
