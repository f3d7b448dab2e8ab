using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Web.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// A running campaign's detail is kept while the ledger's signature (and the rest of its key) holds, and computed again,
/// once for every caller, when any experiment is added or changes status, verdict or objective, or a control is recorded:
/// nothing stale is shown.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveDetailCacheTests(ConsoleFactory console)
{
    private ILedger Ledger => console.Services.GetRequiredService<ILedger>();
    private ConsoleCampaigns Campaigns => console.Services.GetRequiredService<ConsoleCampaigns>();

    [Fact]
    public async Task The_ledger_signature_counts_and_sums_by_status_and_verdict_as_the_records_do()
    {
        var id = await SeedAsync(40);
        var fromDatabase = await Ledger.GetExperimentSignatureAsync(id);
        var fromRecords = ExperimentSignature.From(await Ledger.GetExperimentsAsync(id));
        Assert.Equal(fromRecords.Groups.Select(g => (g.Status, g.Verdict, g.Count, g.SequenceSum)), fromDatabase.Groups.Select(g => (g.Status, g.Verdict, g.Count, g.SequenceSum)));
        foreach (var (a, b) in fromRecords.Groups.Zip(fromDatabase.Groups)) Assert.Equal(a.ObjectiveSum, b.ObjectiveSum, 9);
        Assert.Equal(40, fromDatabase.Groups.Sum(g => g.Count));
    }

    [Fact]
    public async Task Unchanged_it_is_computed_once_for_many_callers_and_any_change_is_shown_at_once()
    {
        var id = await SeedAsync(30);
        var first = await DetailJsonAsync(id);
        var computed = Campaigns.LiveComputations;

        // Twenty callers at once on an unchanged campaign: no new computation, the same numbers.
        var many = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => DetailJsonAsync(id)));
        Assert.Equal(computed, Campaigns.LiveComputations);
        Assert.All(many, json => Assert.Equal(first, json));

        // A new experiment: shown at the next call (one computation for twenty concurrent callers).
        await Ledger.SaveExperimentAsync(Run(id, 31, ExperimentStatus.Succeeded, 0.5, AcceptanceVerdict.NotBetter));
        var after = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Campaigns.GetAsync(id, CancellationToken.None)));
        Assert.Equal(computed + 1, Campaigns.LiveComputations);
        Assert.All(after, d => Assert.Equal(30, d!.Campaign.Finished));

        // An old experiment changes in place (a running one ends; a verdict is recorded later): shown at once.
        var running = (await Ledger.GetExperimentBySequenceAsync(id, 30))!;
        Assert.Equal(ExperimentStatus.Running, running.Status);
        Assert.Single((await Campaigns.GetAsync(id, CancellationToken.None))!.Running);
        await Ledger.SaveExperimentAsync(running with { Status = ExperimentStatus.Succeeded, Objective = 0.1, EndedAt = running.StartedAt!.Value.AddSeconds(5) });
        var ended = (await Campaigns.GetAsync(id, CancellationToken.None))!;
        Assert.Empty(ended.Running);
        Assert.Equal(0.1, ended.Campaign.Best);
        var judged = (await Ledger.GetExperimentBySequenceAsync(id, 5))!;
        await Ledger.SaveExperimentAsync(judged with { Verdict = AcceptanceVerdict.WithinNoise });
        var computedBefore = Campaigns.LiveComputations;
        await Campaigns.GetAsync(id, CancellationToken.None);
        Assert.Equal(computedBefore + 1, Campaigns.LiveComputations);

        // A control applied (a new token budget): shown at once.
        var control = await Ledger.EnqueueControlAsync(new ControlRequest
        {
            CampaignId = id, Action = ControlAction.SetBudget, RequestedAt = DateTimeOffset.UtcNow, Budget = new BudgetChange { Tokens = 12_345 },
        });
        await Ledger.CompleteControlAsync(control.Id, DateTimeOffset.UtcNow, ControlOutcome.Applied("tokens 12345"));
        Assert.Equal(12_345, (await Campaigns.GetAsync(id, CancellationToken.None))!.Budget.Tokens);

        // A journal entry: counted and listed at once (only the entries after the last one seen are read).
        var journal = console.Services.GetRequiredService<IJournal>();
        var before = (await Campaigns.GetAsync(id, CancellationToken.None))!.JournalEntries;
        await journal.AppendAsync(new AutoResearch.Abstractions.Journal.JournalEntry
        {
            CampaignId = id, Author = "alice", Kind = AutoResearch.Abstractions.Journal.JournalEntryKind.Note, Text = "look at lr", At = DateTimeOffset.UtcNow,
        });
        var noted = (await Campaigns.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(before + 1, noted.JournalEntries);
        Assert.Equal("look at lr", noted.LatestJournal[0].Text);
    }

    [Fact]
    public async Task A_running_campaigns_analysis_and_night_row_are_kept_until_the_ledger_changes()
    {
        var id = await SeedAsync(30);
        var analysis = console.Services.GetRequiredService<ConsoleAnalysis>();
        var first = (await analysis.AnalysisAsync(id, CancellationToken.None))!;
        Assert.Same(first, await analysis.AnalysisAsync(id, CancellationToken.None));
        var started = (await Ledger.GetCampaignAsync(id))!.StartedAt!.Value;
        var night = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(started, TimeZoneInfo.Local).DateTime.AddHours(-12));
        var row = (await analysis.NightAsync(night, CancellationToken.None)).Campaigns.Single(c => c.Id == id);

        await Ledger.SaveExperimentAsync(Run(id, 31, ExperimentStatus.Succeeded, 0.05, AcceptanceVerdict.NotBetter));
        var after = (await analysis.AnalysisAsync(id, CancellationToken.None))!;
        Assert.Equal(first.Results + 1, after.Results);
        Assert.Contains(after.Points, p => p.Sequence == 31 && p.Objective == 0.05);
        var rowAfter = (await analysis.NightAsync(night, CancellationToken.None)).Campaigns.Single(c => c.Id == id);
        Assert.Equal(row.Finished + 1, rowAfter.Finished);
        // The time burnt so far goes on while the campaign runs, kept row or not.
        Assert.True(rowAfter.Budget.Minutes >= row.Budget.Minutes);
    }

    private async Task<string> DetailJsonAsync(string id)
    {
        var detail = (await Campaigns.GetAsync(id, CancellationToken.None))!;
        // Without the clock: a running experiment's elapsed time grows between calls.
        return JsonSerializer.Serialize(detail with { Now = default, Running = detail.Running.Select(r => r with { Seconds = null }).ToList() });
    }

    private async Task<string> SeedAsync(int n)
    {
        var id = "live-cache-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var spec = new CampaignSpec
        {
            Name = "live-cache",
            MaxExperiments = 100,
            Duration = TimeSpan.FromHours(8),
            Slots = 2,
            Benchmark = new BenchmarkSpec
            {
                Name = "cache-bench", Directory = "/tmp", Image = "autoresearch/python:latest", Command = ["python3", "b.py"], Files = ["b.py"],
                Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize }, TimeLimit = TimeSpan.FromSeconds(30),
                Parameters = [new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 0.001, Max = 1, Default = "0.1" }],
            },
            Agents = [new AgentSpec { Id = "random-1", Role = "random", Proposer = "random" }],
        };
        await Ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = "live-cache", Spec = spec, State = CampaignState.Running, CreatedAt = t0, StartedAt = t0, Deadline = t0.AddHours(8),
        });
        for (var s = 1; s <= n; s++)
        {
            var status = s == n ? ExperimentStatus.Running : s % 7 == 0 ? ExperimentStatus.Failed : ExperimentStatus.Succeeded;
            var verdict = s == 1 ? AcceptanceVerdict.Baseline : status == ExperimentStatus.Succeeded ? AcceptanceVerdict.NotBetter : AcceptanceVerdict.NotJudged;
            await Ledger.SaveExperimentAsync(Run(id, s, status, status == ExperimentStatus.Succeeded ? 1.0 + s / 100.0 : null, verdict));
        }
        return id;
    }

    private static ExperimentRecord Run(string id, int sequence, ExperimentStatus status, double? objective, AcceptanceVerdict verdict)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-60 + sequence);
        return new ExperimentRecord
        {
            Id = $"{id}/{sequence:D4}", CampaignId = id, AgentId = "random-1", Sequence = sequence, ProposerName = "random",
            Parameters = ParameterSet.Of(("lr", 0.1)), Kind = sequence == 1 ? ExperimentKind.Baseline : ExperimentKind.Proposal, IsBaseline = sequence == 1,
            Status = status, Objective = objective, Verdict = verdict, Attempt = 1, Seed = sequence,
            Failure = status == ExperimentStatus.Failed ? FailureKind.Crash : FailureKind.None,
            QueuedAt = at, StartedAt = at, EndedAt = status == ExperimentStatus.Running ? null : at.AddSeconds(10),
        };
    }
}
