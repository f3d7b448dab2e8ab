using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Cli.Commands;
using AutoResearch.Reports;
using AutoResearch.Web.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// Every view reads one projection of a campaign's facts (<see cref="AutoResearch.Evaluation.CampaignFacts"/>): one campaign in
/// the console's ledger — a baseline repeated three times, a new best confirmed by two repeats, a model agent whose first
/// endpoint failed over to its second, a campaign budget change and an agent budget change, a pause, two experiments running
/// on its two slots and one queued — read by <c>autoresearch status --json</c> (the command itself), the run summary built
/// from a live status whose agent reports are stale, the API's campaign detail, the console page's model and the report.
/// They must agree on the best (value, runs, confidence), the baseline (runs, mean), the agents' states, in-flight work,
/// model and failover and new bests, the budgets in force and the running counts.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CampaignFactsConsistencyTests(ConsoleFactory console)
{
    private const double BestMean = 0.90;
    /// <summary>The baseline's three runs 1.00, 1.06, 0.98: its first run is not its mean.</summary>
    private const double BaselineMean = (1.00 + 1.06 + 0.98) / 3;

    [Fact]
    public async Task Status_json_run_summary_api_console_and_report_agree_on_one_campaigns_facts()
    {
        var id = await SeedAsync();
        var ledger = console.Services.GetRequiredService<ILedger>();

        // autoresearch status <id> --json: the command, on the console's data folder.
        var statusJson = JsonDocument.Parse(await StatusJsonAsync(id)).RootElement;

        // The run command's end summary: a live status as the grains hold it (agent reports behind the ledger: the llm agent
        // still says Idle with 0 runs, the ablator "running #7" after #7 finished; the campaign file's budgets).
        var spec = (await ledger.GetCampaignAsync(id))!.Spec;
        var live = new CampaignStatus
        {
            Id = id, Name = "facts", State = CampaignState.Paused, Slots = 2, MaxExperiments = spec.MaxExperiments, Budget = spec.Budget,
            Direction = Direction.Minimize, MetricName = "loss", Best = 1.0, BestRuns = 1, Baseline = 1.0,
            Agents =
            [
                AgentStatus.Initial(spec.Agents[0]),
                AgentStatus.Initial(spec.Agents[1]) with
                {
                    State = AgentState.Running, Activity = "running #7: a stale line", ActivitySequence = 7, Experiments = 2, InFlight = 1,
                },
            ],
        };
        var runSummary = JsonDocument.Parse((await CampaignSummaryBuilder.BuildAsync(ledger, live, null, 2)).ToJson()).RootElement;

        // The API's campaign detail and the console page's model (the same record the page renders and its events carry).
        using var client = console.TokenClient();
        var api = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{Uri.EscapeDataString(id)}");
        var page = (await console.Services.GetRequiredService<ConsoleCampaigns>().GetAsync(id, CancellationToken.None))!;

        // The report's model and its Markdown.
        var report = await new CampaignReportBuilder(ledger, console.Services.GetRequiredService<IJournal>()).BuildAsync(id);
        var markdown = MarkdownReportRenderer.Render(report);

        // Best: the mean of the accepted best's three runs, with the confidence it was accepted with.
        foreach (var (view, summary) in new[] { ("status --json", statusJson), ("run summary", runSummary) })
        {
            Assert.True(Math.Abs(BestMean - summary.GetProperty("best").GetDouble()) < 1e-9, $"{view}: best");
            Assert.True(summary.GetProperty("best_runs").GetInt32() == 3, $"{view}: best_runs");
            Assert.True(summary.GetProperty("best_confidence").GetDouble() == 0.97, $"{view}: best_confidence");
            Assert.True(Math.Abs(BaselineMean - summary.GetProperty("baseline").GetDouble()) < 1e-9, $"{view}: baseline is the mean of its runs");
            Assert.True(summary.GetProperty("baseline_runs").GetInt32() == 3, $"{view}: baseline_runs");
            Assert.True(summary.GetProperty("token_budget").GetInt64() == 1_000_000, $"{view}: campaign token budget in force");
        }
        Assert.Equal(BestMean, api.GetProperty("campaign").GetProperty("best").GetDouble(), 9);
        Assert.Equal(3, api.GetProperty("bestRuns").GetInt32());
        Assert.Equal(0.97, api.GetProperty("bestConfidence").GetDouble());
        Assert.Equal(3, api.GetProperty("campaign").GetProperty("bestSequence").GetInt32());
        Assert.Equal(BaselineMean, api.GetProperty("campaign").GetProperty("baseline").GetDouble(), 9);
        Assert.Equal(3, api.GetProperty("baselineRuns").GetInt32());
        Assert.Equal(1_000_000, api.GetProperty("budget").GetProperty("tokens").GetInt64());
        Assert.Equal(BestMean, page.Campaign.Best!.Value, 9);
        Assert.Equal((3, 0.97), (page.BestRuns, page.BestConfidence!.Value));
        Assert.Equal(BaselineMean, page.Campaign.Baseline!.Value, 9);
        Assert.Equal(3, page.BaselineRuns);
        Assert.Equal(1_000_000, page.Budget.Tokens);
        Assert.Equal(BestMean, report.BestMean!.Value, 9);
        Assert.Equal((3, 0.97), (report.BestRuns, report.AcceptedBest!.Confidence!.Value));
        Assert.Equal(BaselineMean, report.BaselineMean!.Value, 9);
        Assert.Equal(3, report.BaselineRuns);
        Assert.Equal(1_000_000, report.CampaignBudget.Tokens);
        // The leaderboard shows each accepted best with its runs now: the baseline's entry was written after its first run.
        Assert.Equal([3, 3], report.Leaderboard.Select(e => e.Runs));
        Assert.Equal([3, 3], page.Bests.Select(b => b.Runs));
        Assert.Equal(BestMean, page.Bests[^1].Value, 9);

        // Running counts: two running on the two slots, one queued, counted apart.
        Assert.Equal((2, 1, 2), (api.GetProperty("runningCount").GetInt32(), api.GetProperty("queuedCount").GetInt32(), api.GetProperty("slots").GetInt32()));
        Assert.Equal((2, 1), (page.RunningCount, page.QueuedCount));
        Assert.Equal(3, report.Pending);

        // Agents: state (paused with their campaign), in flight, model and failover, new bests, budgets in force, and their
        // finished experiments (the ones in flight are counted apart).
        var expected = new Dictionary<string, (string State, int InFlight, string Model, string? Failover, int NewBests, double CpuBudget, int Finished)>
        {
            ["llm-1"] = ("Paused", 1, "backup (big-model)", "primary: HTTP 503 from primary; backup answers", 0, 3600, 4),
            ["ablator-1"] = ("Paused", 2, "", null, 1, 7200, 4),
        };
        foreach (var (agentId, want) in expected)
        {
            var apiAgent = api.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == agentId);
            var pageAgent = page.Agents.Single(a => a.Id == agentId);
            var reportAgent = report.Agents.Single(a => a.Id == agentId);
            foreach (var (view, summary) in new[] { ("status --json", statusJson), ("run summary", runSummary) })
            {
                var s = summary.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == agentId);
                Assert.True(s.GetProperty("state").GetString() == want.State.ToLowerInvariant(), $"{view}: {agentId} state {s.GetProperty("state")}");
                Assert.True(s.GetProperty("activity").GetString() == pageAgent.Activity, $"{view}: {agentId} activity {s.GetProperty("activity")} vs console {pageAgent.Activity}");
                Assert.True((s.GetProperty("model").GetString() ?? "") == want.Model, $"{view}: {agentId} model {s.GetProperty("model")}");
                Assert.True(s.GetProperty("model_problem").GetString() == want.Failover, $"{view}: {agentId} failover {s.GetProperty("model_problem")}");
                Assert.True(s.GetProperty("new_bests").GetInt32() == want.NewBests, $"{view}: {agentId} new bests");
                Assert.True(s.GetProperty("cpu_budget_seconds").GetDouble() == want.CpuBudget, $"{view}: {agentId} CPU budget in force");
                Assert.True(s.GetProperty("budget").GetProperty("cpu_seconds").GetDouble() == want.CpuBudget, $"{view}: {agentId} budget object");
                Assert.True(s.GetProperty("experiments").GetInt32() == want.Finished, $"{view}: {agentId} experiments {s.GetProperty("experiments")}");
            }
            Assert.Equal(want.Finished, pageAgent.Experiments);
            Assert.Equal(want.Finished, apiAgent.GetProperty("experiments").GetInt32());
            Assert.Equal(want.Finished, reportAgent.Experiments);
            // The report's rows marked as new bests and its agent section count what its agents table counts.
            Assert.Equal(want.NewBests, report.Experiments.Count(r => r.IsNewBest && r.AgentId == agentId));
            Assert.Equal(want.NewBests, reportAgent.Narrative.AcceptedBests);
            Assert.Equal(want.State, apiAgent.GetProperty("state").GetString());
            Assert.Equal(want.State, pageAgent.State);
            Assert.Equal(apiAgent.GetProperty("activity").GetString(), pageAgent.Activity);
            Assert.Equal($"campaign paused; {want.InFlight} in flight finish or wait", pageAgent.Activity);
            Assert.Equal(want.InFlight, pageAgent.InFlight);
            Assert.Equal(want.InFlight, apiAgent.GetProperty("inFlight").GetInt32());
            Assert.Equal(want.Model, pageAgent.Model ?? "");
            Assert.Equal(want.Model, reportAgent.Model ?? "");
            Assert.Equal(want.Failover, pageAgent.Failover);
            Assert.Equal(want.Failover, reportAgent.Failover);
            Assert.Equal(want.NewBests, pageAgent.NewBests);
            Assert.Equal(want.NewBests, apiAgent.GetProperty("newBests").GetInt32());
            Assert.Equal(want.NewBests, reportAgent.NewBests);
            Assert.Equal(want.CpuBudget, pageAgent.CpuBudgetSeconds);
            Assert.Equal(want.CpuBudget, apiAgent.GetProperty("cpuBudgetSeconds").GetDouble());
            Assert.Equal(want.CpuBudget, reportAgent.CpuBudgetSeconds);
        }
        // The report's agents table and its leaderboard say the same as the model.
        Assert.Contains("## Leaderboard", markdown, StringComparison.Ordinal);
        Assert.True(report.Agents.Single(a => a.Id == "ablator-1").BudgetChanged, "report: ablator-1's budget was changed");
        Assert.False(report.Agents.Single(a => a.Id == "llm-1").BudgetChanged, "report: llm-1's budget was not changed");
        // The ablator's accepted best as the leaderboard has it now: the mean of its three runs, not its screening run.
        Assert.Equal(BestMean, report.Agents.Single(a => a.Id == "ablator-1").Narrative.BestAccepted!.Value, 9);
        // Its second repeat (0.88) beat every earlier result but is no new best: only the accepted one is marked.
        Assert.Equal([3], report.Experiments.Where(r => r.IsNewBest).Select(r => r.Sequence));
        Assert.Equal(2, report.BudgetChanges.Count);
    }

    /// <summary>Runs <c>autoresearch status &lt;id&gt; --json</c> on the console's data folder and returns its JSON line.</summary>
    private async Task<string> StatusJsonAsync(string id)
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        int code;
        Console.SetOut(captured);
        try
        {
            code = await StatusCommand.ExecuteAsync(id, json: true, console.DataDirectory, CancellationToken.None);
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.Equal(0, code);
        return captured.ToString().Split('\n').Last(l => l.StartsWith("{\"campaign\"", StringComparison.Ordinal));
    }

    private async Task<string> SeedAsync()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var id = "facts-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var spec = new CampaignSpec
        {
            Name = "facts",
            MaxExperiments = 20,
            Duration = TimeSpan.FromHours(8),
            Slots = 2,
            Budget = new BudgetSpec { Tokens = 500_000 },
            Benchmark = new BenchmarkSpec
            {
                Name = "facts-bench", Directory = "/tmp", Image = "autoresearch/python:latest", Command = ["python3", "b.py"], Files = ["b.py"],
                Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize }, TimeLimit = TimeSpan.FromSeconds(30),
                Parameters = [new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 0.001, Max = 1, Default = "0.1" }],
            },
            Agents =
            [
                new AgentSpec { Id = "llm-1", Role = "scout", Proposer = AgentSpec.ModelProposer, Model = "primary", Failover = ["backup"], CpuBudgetSeconds = 3600 },
                new AgentSpec { Id = "ablator-1", Role = "ablator", Proposer = "random", CpuBudgetSeconds = 3600 },
            ],
        };
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = "facts", Spec = spec, State = CampaignState.Paused, CreatedAt = t0, StartedAt = t0, Deadline = t0.AddHours(8),
        });

        ExperimentRecord Run(int sequence, string agent, ExperimentKind kind, double? objective, int? repeatOf = null,
            ExperimentStatus status = ExperimentStatus.Succeeded, AcceptanceVerdict verdict = AcceptanceVerdict.NotJudged, double? confidence = null) => new()
        {
            Id = $"{id}/{sequence:D4}", CampaignId = id, AgentId = agent, Sequence = sequence, ProposerName = kind == ExperimentKind.Baseline ? "baseline" : "test",
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "0.1" }), Kind = kind, IsBaseline = kind == ExperimentKind.Baseline,
            RepeatOf = repeatOf is { } of ? $"{id}/{of:D4}" : null, Status = status, Objective = status == ExperimentStatus.Succeeded ? objective : null,
            Verdict = verdict, Confidence = confidence, QueuedAt = t0.AddMinutes(sequence),
            StartedAt = status == ExperimentStatus.Queued ? null : t0.AddMinutes(sequence),
            EndedAt = status is ExperimentStatus.Queued or ExperimentStatus.Running ? null : t0.AddMinutes(sequence + 1),
            CpuSeconds = status is ExperimentStatus.Queued or ExperimentStatus.Running ? 0 : 60,
        };
        foreach (var e in new[]
                 {
                     // The baseline and its two noise repeats: mean 1.0133 over 3 runs.
                     Run(0, "llm-1", ExperimentKind.Baseline, 1.00, verdict: AcceptanceVerdict.Baseline),
                     Run(1, "ablator-1", ExperimentKind.Repeat, 1.06, repeatOf: 0),
                     Run(2, "llm-1", ExperimentKind.Repeat, 0.98, repeatOf: 0),
                     // The ablator's new best and its two confirmation runs: mean 0.90 over 3 runs. Its second repeat (0.88)
                     // beat every result finished before it, but is no new best of its own: the leaderboard has one.
                     Run(3, "ablator-1", ExperimentKind.Proposal, 0.90, verdict: AcceptanceVerdict.Accepted, confidence: 0.97),
                     Run(4, "llm-1", ExperimentKind.Repeat, 0.92, repeatOf: 3),
                     Run(5, "ablator-1", ExperimentKind.Repeat, 0.88, repeatOf: 3),
                     Run(6, "llm-1", ExperimentKind.Proposal, 0.95, verdict: AcceptanceVerdict.NotBetter, confidence: 0.2),
                     Run(7, "ablator-1", ExperimentKind.Proposal, 0.97, verdict: AcceptanceVerdict.NotBetter, confidence: 0.1),
                     // Two running on the two slots, one queued behind them.
                     Run(8, "ablator-1", ExperimentKind.Proposal, null, status: ExperimentStatus.Running),
                     Run(9, "llm-1", ExperimentKind.Proposal, null, status: ExperimentStatus.Running),
                     Run(10, "ablator-1", ExperimentKind.Proposal, null, status: ExperimentStatus.Queued),
                 })
        {
            await ledger.SaveExperimentAsync(e);
        }

        // Written when they were accepted: the baseline after its first run, the new best after its screening run.
        await ledger.AppendLeaderboardAsync(new LeaderboardEntry
        {
            CampaignId = id, Index = 0, ExperimentId = $"{id}/0000", Sequence = 0, AgentId = "llm-1", Objective = 1.00, Runs = 1, AcceptedAt = t0.AddMinutes(1),
        });
        await ledger.AppendLeaderboardAsync(new LeaderboardEntry
        {
            CampaignId = id, Index = 1, ExperimentId = $"{id}/0003", Sequence = 3, AgentId = "ablator-1", Objective = 0.90, Runs = 1, Confidence = 0.97,
            AcceptedAt = t0.AddMinutes(6),
        });

        // The llm agent's first endpoint fails; its failover answers.
        await ledger.RecordModelCallAsync(new ModelCallRecord
        {
            Id = Guid.NewGuid().ToString("N"), CampaignId = id, AgentId = "llm-1", ExperimentId = $"{id}/0006", Provider = "primary", Model = "big-model",
            Purpose = "propose", Outcome = "error", Error = "HTTP 503 from primary", At = t0.AddMinutes(6),
        });
        await ledger.RecordModelCallAsync(new ModelCallRecord
        {
            Id = Guid.NewGuid().ToString("N"), CampaignId = id, AgentId = "llm-1", ExperimentId = $"{id}/0006", Provider = "backup", Model = "big-model",
            Purpose = "propose", Outcome = "ok", PromptTokens = 1000, CompletionTokens = 200, At = t0.AddMinutes(6).AddSeconds(5),
        });

        // A campaign budget change, an agent budget change, then the pause (all applied by the campaign's host).
        async Task ApplyAsync(ControlRequest request, ControlOutcome outcome, int minute)
        {
            var queued = await ledger.EnqueueControlAsync(request);
            await ledger.CompleteControlAsync(queued.Id, t0.AddMinutes(minute), outcome);
        }
        await ApplyAsync(new ControlRequest
        {
            CampaignId = id, Action = ControlAction.SetBudget, Budget = new BudgetChange { Tokens = 1_000_000 }, RequestedBy = "tests", RequestedAt = t0.AddMinutes(8),
        }, ControlOutcome.Applied("budget tokens 1000000"), 8);
        await ApplyAsync(new ControlRequest
        {
            CampaignId = id, AgentId = "ablator-1", Action = ControlAction.SetBudget, Budget = new BudgetChange { CpuSeconds = 7200 }, RequestedBy = "tests",
            RequestedAt = t0.AddMinutes(9),
        }, ControlOutcome.Applied("applied to agent ablator-1: budget CPU-s 7200"), 9);
        await ApplyAsync(new ControlRequest { CampaignId = id, Action = ControlAction.Pause, RequestedBy = "tests", RequestedAt = t0.AddMinutes(10) },
            ControlOutcome.Applied("paused"), 10);
        return id;
    }
}
