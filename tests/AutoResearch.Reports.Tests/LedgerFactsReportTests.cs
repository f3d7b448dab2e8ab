using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

/// <summary>
/// Reports and summaries read from a seeded ledger: the accepted best and the noise from the leaderboard and the repeats,
/// kinds and verdicts, early stops apart from failures with their refunds, budgets per agent, and model calls.
/// </summary>
public sealed class LedgerFactsReportTests
{
    private const string Id = SampleCampaign.Id;

    // Benchmark: 10 min time limit, 2 CPUs, no GPU → a run reserves (600 s + 5 s grace) × 2 = 1210 CPU-s.
    private const double ReservedCpuSeconds = 1210;

    private static CampaignRecord Campaign()
    {
        var campaign = SampleCampaign.Campaign();
        var spec = campaign.Spec;
        return campaign with
        {
            Spec = spec with
            {
                Benchmark = spec.Benchmark with { Resources = new ResourceSpec { Cpus = 2 } },
                Budget = new BudgetSpec { CpuSeconds = 10_000 },
                // explorer-1 gets 2100 CPU-s and uses 2190: over its budget.
                Agents = spec.Agents.Select(a => a.Id switch
                {
                    "explorer-1" => a with { CpuBudgetSeconds = 2100 },
                    "scout-1" => a with { CpuBudgetSeconds = 1500, TokenBudget = 100_000 },
                    _ => a,
                }).ToList(),
            },
        };
    }

    /// <summary>
    /// The sample campaign (baseline 0.50, #12 at 0.40 by exploiter-1) plus: two repeats of the baseline (0.52, 0.48), a
    /// confirmation run of #12 after its acceptance (0.42), two runs stopped early, verdicts, tokens; leaderboard baseline → #12.
    /// </summary>
    private static List<ExperimentRecord> Experiments()
    {
        var experiments = SampleCampaign.Experiments();
        var baseline = experiments.Single(e => e.IsBaseline);
        var best = experiments.Single(e => e.Sequence == 12);
        Replace(experiments, 1, e => e with { Kind = ExperimentKind.Baseline, Verdict = AcceptanceVerdict.Baseline });
        Replace(experiments, 5, e => e with { Verdict = AcceptanceVerdict.Confirming });
        Replace(experiments, 7, e => e with { Tokens = 1500 });
        Replace(experiments, 10, e => e with { Tokens = 1000 });
        Replace(experiments, 12, e => e with { Verdict = AcceptanceVerdict.Accepted, Confidence = 0.995, Margin = 0.03 });
        Replace(experiments, 14, e => e with { Verdict = AcceptanceVerdict.WithinNoise, Confidence = 0.7, Margin = 0.03 });
        Replace(experiments, 15, e => e with { Verdict = AcceptanceVerdict.NotBetter });
        experiments.Add(SampleCampaign.Experiment(Id, 17, "explorer-1", "gp", 0.52, 1, 4) with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id });
        experiments.Add(SampleCampaign.Experiment(Id, 18, "scout-1", "llm", 0.48, 2, 5) with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id });
        experiments.Add(SampleCampaign.Experiment(Id, 19, "exploiter-1", "tpe", 0.9, 30, 31) with
        {
            Status = ExperimentStatus.Pruned,
            Reason = "median rule: val_loss 0.9 at step 2 is worse than the median 0.6 of 5 earlier runs",
        });
        experiments.Add(SampleCampaign.Experiment(Id, 20, "exploiter-1", "tpe", 0.42, 31, 36) with { Kind = ExperimentKind.Repeat, RepeatOf = best.Id });
        experiments.Add(SampleCampaign.Experiment(Id, 21, "explorer-1", "gp", 0.8, 33, 33.5) with
        {
            Status = ExperimentStatus.Pruned,
            Reason = "successive halving: not in the top third at step 1",
        });
        return experiments;
    }

    private static void Replace(List<ExperimentRecord> experiments, int sequence, Func<ExperimentRecord, ExperimentRecord> change)
    {
        var i = experiments.FindIndex(e => e.Sequence == sequence);
        experiments[i] = change(experiments[i]);
    }

    private static List<LeaderboardEntry> Leaderboard(IReadOnlyList<ExperimentRecord> experiments)
    {
        var baseline = experiments.Single(e => e.Sequence == 1);
        var best = experiments.Single(e => e.Sequence == 12);
        return
        [
            new() { CampaignId = Id, Index = 0, ExperimentId = baseline.Id, Sequence = 1, AgentId = baseline.AgentId, Objective = 0.5, Runs = 3, StdDev = 0.02, AcceptedAt = SampleCampaign.Start.AddMinutes(5) },
            new() { CampaignId = Id, Index = 1, ExperimentId = best.Id, Sequence = 12, AgentId = "exploiter-1", Objective = 0.40, Runs = 1, Confidence = 0.995, Margin = 0.03, AcceptedAt = SampleCampaign.Start.AddMinutes(25) },
        ];
    }

    private static ModelCallRecord Call(string suffix, long prompt, long completion, string outcome, double latency, string? experiment = null) => new()
    {
        Id = $"{Id}/call-{suffix}",
        CampaignId = Id,
        AgentId = "scout-1",
        ExperimentId = experiment,
        Provider = "openai-compatible",
        Model = "gpt-test",
        Purpose = "propose",
        PromptTokens = prompt,
        CompletionTokens = completion,
        Outcome = outcome,
        LatencyMs = latency,
        At = SampleCampaign.Start.AddMinutes(int.Parse(suffix, System.Globalization.CultureInfo.InvariantCulture)),
    };

    /// <summary>scout-1's calls: 2500 prompt + 500 completion tokens = 3000, one failed; its experiments were charged 2500.</summary>
    private static List<ModelCallRecord> Calls() =>
    [
        Call("1", 1200, 300, "ok", 800, $"{Id}/scout-1/0007"),
        Call("2", 800, 200, "ok", 600, $"{Id}/scout-1/0010"),
        Call("3", 500, 0, "failed", 1000),
    ];

    private static async Task<InMemoryLedger> SeedAsync(bool withLeaderboard = true, bool withCalls = true)
    {
        var experiments = Experiments();
        var (ledger, _) = await SampleCampaign.SeedAsync(Campaign(), experiments, []);
        if (withLeaderboard)
        {
            foreach (var entry in Leaderboard(experiments))
                await ledger.AppendLeaderboardAsync(entry);
        }

        if (withCalls)
        {
            foreach (var call in Calls())
                await ledger.RecordModelCallAsync(call);
        }

        return ledger;
    }

    private static async Task<CampaignReportModel> ReportAsync(InMemoryLedger ledger) =>
        await new CampaignReportBuilder(ledger, new InMemoryJournal()).BuildAsync(Id);

    [Fact]
    public async Task The_accepted_best_is_the_mean_of_its_runs_with_its_confidence_and_the_pooled_noise()
    {
        var model = await ReportAsync(await SeedAsync());

        Assert.Equal(1, model.AcceptedBest!.Index);
        Assert.Equal(12, model.Best!.Sequence);
        // #12 (0.40) and its confirmation run #20 (0.42).
        Assert.Equal(0.41, model.BestObjective!.Value, 12);
        Assert.Equal(2, model.BestRuns);
        Assert.Equal(Math.Sqrt(0.0002), model.BestStdDev!.Value, 12);
        Assert.Equal(0.5, model.BaselineMean!.Value, 12);
        Assert.Equal(3, model.BaselineRuns);
        // Groups {0.50, 0.52, 0.48} and {0.40, 0.42}: (0.0008 + 0.0002) / (2 + 1) degrees of freedom.
        Assert.Equal(Math.Sqrt(0.001 / 3), model.NoiseStdDev!.Value, 12);
        Assert.Equal(5, model.NoiseRuns);
        Assert.Equal(0.18, model.RelativeImprovement!.Value, 9);

        Assert.Equal(
            "val_loss: baseline 0.5 (3 runs) → accepted best 0.41 (2 runs, confidence 99.5%) (+18.0% better than baseline); noise σ 0.0182574 from 5 runs",
            ReportNarrative.Headline(model));
        Assert.Equal(
            "Best 0.41 ± 0.0141421 over 2 run(s): campaign-wide confidence 99.5% that it beats the previous best, corrected for 2 comparisons (by more than the noise margin 0.03 on fresh runs); run-to-run noise σ 0.0182574 from 5 repeated runs.",
            ReportNarrative.ConfidenceLine(model));
    }

    [Fact]
    public async Task Without_a_leaderboard_the_best_is_the_best_single_run()
    {
        var model = await ReportAsync(await SeedAsync(withLeaderboard: false));

        Assert.Null(model.AcceptedBest);
        Assert.Empty(model.Leaderboard);
        Assert.Equal(0.40, model.BestObjective);
        Assert.Equal(1, model.BestRuns);
        Assert.Null(ReportNarrative.ConfidenceLine(model));
        Assert.StartsWith("val_loss: baseline 0.5 → best 0.4 (", ReportNarrative.Headline(model), StringComparison.Ordinal);
        Assert.DoesNotContain("## Leaderboard", MarkdownReportRenderer.Render(model));
    }

    [Fact]
    public async Task Early_stops_are_neither_successes_nor_failures_and_show_their_reason_and_refund()
    {
        var model = await ReportAsync(await SeedAsync());

        Assert.Equal(21, model.Total);
        Assert.Equal(13, model.Succeeded);
        Assert.Equal(6, model.Failed);
        Assert.Equal(2, model.Pruned);
        Assert.Equal(6, model.FailuresByKind.Sum(g => g.Count));
        Assert.Equal([19, 21], model.StoppedEarly.Select(r => r.Sequence));
        // Reserved 1210 CPU-s each; #19 used 60, #21 used 30.
        Assert.Equal([ReservedCpuSeconds - 60, ReservedCpuSeconds - 30], model.StoppedEarly.Select(r => r.CpuSecondsRefunded));
        Assert.All(model.Experiments.Where(r => r.Status != ExperimentStatus.Pruned), r => Assert.Equal(0, r.CpuSecondsRefunded));

        var md = MarkdownReportRenderer.Render(model);
        Assert.Contains("- Experiments: 21 total · 13 succeeded · 6 failed · 2 stopped early", md);
        Assert.Contains("## Stopped early", md);
        Assert.Contains("| 19 | exploiter-1 | proposal | 0.9 | 1m 00s | 60 | 1150 | median rule: val\\_loss 0.9 at step 2 is worse than the median 0.6 of 5 earlier runs |", md);
        Assert.Contains("| 21 | explorer-1 | proposal | 0.8 | 30.0s | 30 | 1180 | successive halving: not in the top third at step 1 |", md);
        var failures = md[md.IndexOf("## Failures", StringComparison.Ordinal)..md.IndexOf("## Stopped early", StringComparison.Ordinal)];
        Assert.DoesNotContain("median rule", failures);
        Assert.DoesNotContain("successive halving", failures);

        var html = System.Net.WebUtility.HtmlDecode(HtmlReportRenderer.Render(model));
        Assert.Contains("<h2>Stopped early</h2>", html);
        Assert.Contains("<div class=\"n\">2</div><div class=\"l\">stopped early</div>", html);
        Assert.Contains("successive halving: not in the top third at step 1", html);
    }

    [Fact]
    public async Task Experiment_tables_show_kind_and_verdict()
    {
        var model = await ReportAsync(await SeedAsync());
        var bySequence = model.Experiments.ToDictionary(r => r.Sequence);

        Assert.Equal("baseline", ReportNarrative.KindText(bySequence[1]));
        Assert.Equal("proposal", ReportNarrative.KindText(bySequence[12]));
        Assert.Equal("repeat of #1", ReportNarrative.KindText(bySequence[17]));
        Assert.Equal("repeat of #12", ReportNarrative.KindText(bySequence[20]));
        Assert.Equal("reference", ReportNarrative.VerdictText(bySequence[1]));
        Assert.Equal("accepted (99.5%)", ReportNarrative.VerdictText(bySequence[12]));
        Assert.Equal("within noise (70.0%)", ReportNarrative.VerdictText(bySequence[14]));
        Assert.Equal("not better", ReportNarrative.VerdictText(bySequence[15]));
        Assert.Equal("confirming", ReportNarrative.VerdictText(bySequence[5]));
        Assert.Equal("—", ReportNarrative.VerdictText(bySequence[2]));

        var md = MarkdownReportRenderer.Render(model);
        Assert.Contains("| 12 | exploiter-1 | tpe | proposal | succeeded | accepted (99.5%) | 0.4 ★ |", md);
        Assert.Contains("| 20 | exploiter-1 | tpe | repeat of #12 | succeeded | — | 0.42 |", md);
        Assert.Contains("| 14 | explorer-1 | gp | proposal | succeeded | within noise (70.0%) | 0.41 |", md);
        Assert.Contains("| 19 | exploiter-1 | tpe | proposal | stopped early | — | 0.9 |", md);
        var html = System.Net.WebUtility.HtmlDecode(HtmlReportRenderer.Render(model));
        Assert.Contains("<td>repeat of #12</td><td class=\"status\">succeeded</td><td>—</td>", html);
        Assert.Contains("<td>proposal</td><td class=\"status\">succeeded</td><td>not better</td>", html);
    }

    [Fact]
    public void A_repeat_whose_original_is_not_in_the_ledger_reads_its_number_from_the_id()
    {
        var experiments = Experiments();
        experiments.Add(SampleCampaign.Experiment(Id, 22, "explorer-1", "gp", 0.5, 36, 37) with { Kind = ExperimentKind.Repeat, RepeatOf = $"{Id}/gone/0009x" });
        experiments.Add(SampleCampaign.Experiment(Id, 23, "explorer-1", "gp", 0.5, 37, 38) with { Kind = ExperimentKind.Repeat, RepeatOf = $"{Id}/gone/0031" });
        var model = CampaignReportBuilder.Build(Campaign(), experiments, [], SampleCampaign.End);
        var bySequence = model.Experiments.ToDictionary(r => r.Sequence);

        Assert.Null(bySequence[23].RepeatOfSequence);
        Assert.Equal("repeat of #31", ReportNarrative.KindText(bySequence[23]));
        Assert.Equal("repeat", ReportNarrative.KindText(bySequence[22]));
    }

    [Fact]
    public async Task Agents_show_budget_use_early_stops_and_refunds_from_the_ledger()
    {
        var ledger = await SeedAsync();
        var model = await ReportAsync(ledger);
        var experiments = await ledger.GetExperimentsAsync(Id);
        var agents = model.Agents.ToDictionary(a => a.Id);

        foreach (var a in model.Agents)
        {
            Assert.Equal(experiments.Where(e => e.AgentId == a.Id).Sum(e => e.CpuSeconds), a.CpuSeconds, 9);
            Assert.Equal(experiments.Count(e => e.AgentId == a.Id && e.Status == ExperimentStatus.Pruned), a.Pruned);
        }

        Assert.Equal(2190, agents["explorer-1"].CpuSeconds, 9);
        Assert.Equal(2100, agents["explorer-1"].CpuBudgetSeconds);
        Assert.False(agents["explorer-1"].WithinBudget);
        Assert.True(agents["exploiter-1"].WithinBudget);
        Assert.Equal(ReservedCpuSeconds - 60, agents["exploiter-1"].CpuSecondsRefunded);
        Assert.Equal(ReservedCpuSeconds - 30, agents["explorer-1"].CpuSecondsRefunded);
        Assert.Equal(0, agents["scout-1"].CpuSecondsRefunded);
        // The metered calls (3000 tokens) cover the 2500 charged on its experiments plus a failed call.
        Assert.Equal(3000, agents["scout-1"].Tokens);
        Assert.Equal(100_000, agents["scout-1"].TokenBudget);
        Assert.Equal(experiments.Sum(e => e.CpuSeconds), model.CampaignUsed.CpuSeconds, 9);
        Assert.Equal(3000, model.CampaignUsed.Tokens);

        var md = MarkdownReportRenderer.Render(model);
        Assert.Contains("| explorer-1 | explorer | gp | — | 8 | 7 | 0 | 1 |", md);
        Assert.Contains("| explorer-1 | 0 / unlimited | 2190 / 2100 (104%) | 0 / unlimited | 1 | 1180 | **no** |", md);
        Assert.Contains("| exploiter-1 | 0 / unlimited | 1860 / 3000 (62%) | 0 / unlimited | 1 | 1150 | yes |", md);
        Assert.Contains("| scout-1 | 3,000 / 100,000 (3%) | 1260 / 1500 (84%) | 200 / 600 (33%) | 0 | 0 | yes |", md);
        Assert.Contains("| _campaign_ | 3,000 / unlimited | 5310 / 10000 (53%) | 200 / unlimited | 2 | 2330 | yes |", md);
        var html = System.Net.WebUtility.HtmlDecode(HtmlReportRenderer.Render(model));
        Assert.Contains("<tr><td>explorer-1</td><td class=\"num\">0 / unlimited</td><td class=\"num\">2190 / 2100 (104%)</td>", html);
        Assert.Contains("<td class=\"worse\"><strong>no</strong></td>", html);
    }

    [Fact]
    public async Task Model_calls_are_summed_per_agent_and_model()
    {
        var ledger = await SeedAsync();
        await ledger.RecordModelCallAsync(Call("4", 100, 50, "ok", 400) with { AgentId = "explorer-1", Model = "small" });
        var model = await ReportAsync(ledger);

        // Agents in campaign-file order.
        Assert.Equal(["explorer-1", "scout-1"], model.ModelCalls.Select(c => c.AgentId));
        var scout = model.ModelCalls[1];
        Assert.Equal(3, scout.Calls);
        Assert.Equal(2500, scout.PromptTokens);
        Assert.Equal(500, scout.CompletionTokens);
        Assert.Equal(3000, scout.TotalTokens);
        Assert.Equal(1, scout.Failures);
        Assert.Equal(800, scout.MeanLatencyMs, 9);
        // explorer-1's experiments were charged no tokens; its one call used 150.
        Assert.Equal(150, model.Agents.Single(a => a.Id == "explorer-1").Tokens);

        var md = MarkdownReportRenderer.Render(model);
        Assert.Contains("## Model calls", md);
        Assert.Contains("| scout-1 | openai-compatible | gpt-test | 3 | 2,500 | 500 | 3,000 | 1 | 800 ms |", md);
        Assert.Contains("| explorer-1 | openai-compatible | small | 1 | 100 | 50 | 150 | 0 | 400 ms |", md);
        Assert.Contains("<h2>Model calls</h2>", HtmlReportRenderer.Render(model));

        var without = await ReportAsync(await SeedAsync(withCalls: false));
        Assert.Empty(without.ModelCalls);
        Assert.DoesNotContain("## Model calls", MarkdownReportRenderer.Render(without));
        // Without metered calls the tokens charged on the experiments count.
        Assert.Equal(2500, without.Agents.Single(a => a.Id == "scout-1").Tokens);
    }

    private static CampaignStatus Status() => new()
    {
        Id = Id,
        Name = "digits-night",
        State = CampaignState.Completed,
        StartedAt = SampleCampaign.Start,
        EndedAt = SampleCampaign.End,
        MetricName = "val_loss",
        // What a status from before the last confirmation run would say: the summary takes the ledger's facts instead.
        Best = 0.40,
        BestExperimentId = $"{Id}/exploiter-1/0012",
        BestConfidence = 0.9,
        BestRuns = 1,
        NoiseStdDev = 0.02,
        Agents =
        [
            AgentStatus.Initial(new AgentSpec { Id = "explorer-1", Role = "explorer", Proposer = "gp", CpuBudgetSeconds = 2100 }) with { CpuSecondsUsed = 2190 },
            AgentStatus.Initial(new AgentSpec { Id = "exploiter-1", Role = "exploiter", Proposer = "tpe", CpuBudgetSeconds = 3000 }) with { CpuSecondsUsed = 1860 },
            AgentStatus.Initial(new AgentSpec { Id = "scout-1", Role = "scout", Proposer = "llm", Model = "gpt-test", TokenBudget = 100_000, CpuBudgetSeconds = 1500, GpuBudgetSeconds = 600 })
                with { TokensUsed = 3000, CpuSecondsUsed = 1260, GpuSecondsUsed = 200 },
        ],
    };

    [Fact]
    public async Task The_summary_takes_the_accepted_best_its_runs_and_the_noise_from_the_ledger()
    {
        var ledger = await SeedAsync();
        var summary = await CampaignSummaryBuilder.BuildAsync(ledger, Status(), null, 3);
        var model = await ReportAsync(ledger);

        Assert.Equal(0.41, summary.Best!.Value, 12);
        Assert.Equal(2, summary.BestRuns);
        Assert.Equal(0.995, summary.BestConfidence);
        Assert.Equal(Math.Sqrt(0.001 / 3), summary.NoiseStdDev!.Value, 12);
        Assert.Equal(2, summary.Pruned);
        Assert.Equal(21, summary.Experiments);
        Assert.Equal(13, summary.Succeeded);
        Assert.Equal(6, summary.Failed);
        Assert.Equal(0.5, summary.Baseline);
        // The report and the summary agree.
        Assert.Equal(model.BestObjective, summary.Best);
        Assert.Equal(model.BestRuns, summary.BestRuns);
        Assert.Equal(model.NoiseStdDev, summary.NoiseStdDev);
        Assert.Equal(model.Pruned, summary.Pruned);
    }

    [Fact]
    public async Task The_summary_of_a_campaign_without_a_leaderboard_falls_back_to_the_best_single_run()
    {
        var ledger = await SeedAsync(withLeaderboard: false);
        var status = Status() with { Best = null, BestExperimentId = null, BestConfidence = null, BestRuns = 0, NoiseStdDev = null };

        var summary = await CampaignSummaryBuilder.BuildAsync(ledger, status, null, 3);

        Assert.Equal(0.40, summary.Best);
        Assert.Equal(1, summary.BestRuns);
        Assert.Null(summary.BestConfidence);
        // The noise is the ledger's pooled repeats (the fact the report shows too), not the status's.
        Assert.Equal(Math.Sqrt(0.001 / 3), summary.NoiseStdDev!.Value, 12);
    }

    [Fact]
    public async Task Summary_json_has_budget_and_use_objects_per_agent_and_within_budget()
    {
        var summary = await CampaignSummaryBuilder.BuildAsync(await SeedAsync(), Status(), new ReportFiles("/r/report.md", "/r/report.html"), 3);

        using var doc = JsonDocument.Parse(summary.ToJson());
        var root = doc.RootElement;
        Assert.Equal(0.41, root.GetProperty("best").GetDouble(), 12);
        Assert.Equal(2, root.GetProperty("best_runs").GetInt32());
        Assert.Equal(0.995, root.GetProperty("best_confidence").GetDouble());
        Assert.Equal(Math.Sqrt(0.001 / 3), root.GetProperty("noise_stddev").GetDouble(), 12);
        Assert.Equal(2, root.GetProperty("pruned").GetInt32());

        var agents = root.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!);
        var scout = agents["scout-1"];
        Assert.Equal(["tokens", "cpu_seconds", "gpu_seconds"], scout.GetProperty("budget").EnumerateObject().Select(p => p.Name));
        Assert.Equal(100_000, scout.GetProperty("budget").GetProperty("tokens").GetInt64());
        Assert.Equal(1500, scout.GetProperty("budget").GetProperty("cpu_seconds").GetDouble());
        Assert.Equal(600, scout.GetProperty("budget").GetProperty("gpu_seconds").GetDouble());
        Assert.Equal(["tokens", "cpu_seconds", "gpu_seconds"], scout.GetProperty("used").EnumerateObject().Select(p => p.Name));
        Assert.Equal(3000, scout.GetProperty("used").GetProperty("tokens").GetInt64());
        Assert.Equal(1260, scout.GetProperty("used").GetProperty("cpu_seconds").GetDouble());
        Assert.Equal(200, scout.GetProperty("used").GetProperty("gpu_seconds").GetDouble());
        Assert.True(scout.GetProperty("within_budget").GetBoolean());
        // explorer-1: 2190 CPU-s of 2100; no token or GPU limit (0).
        var explorer = agents["explorer-1"];
        Assert.Equal(0, explorer.GetProperty("budget").GetProperty("tokens").GetInt64());
        Assert.Equal(2190, explorer.GetProperty("used").GetProperty("cpu_seconds").GetDouble());
        Assert.False(explorer.GetProperty("within_budget").GetBoolean());
        Assert.Equal(1, explorer.GetProperty("pruned").GetInt32());
        Assert.True(agents["exploiter-1"].GetProperty("within_budget").GetBoolean());
        // The flat keys are kept.
        Assert.Equal(3000, scout.GetProperty("tokens_used").GetInt64());
        Assert.Equal(100_000, scout.GetProperty("token_budget").GetInt64());
    }

    [Fact]
    public void Early_stop_refund_is_reserved_minus_used_and_zero_otherwise()
    {
        var benchmark = SampleCampaign.Benchmark() with { Resources = new ResourceSpec { Cpus = 2, Gpus = 1 } };
        var run = SampleCampaign.Experiment(Id, 1, "a", "gp", 0.5, 0, 1) with { Status = ExperimentStatus.Pruned, GpuSeconds = 5 };

        var refund = RunStatistics.EarlyStopRefund(run, benchmark);

        Assert.Equal(1210 - 60, refund.CpuSeconds);
        Assert.Equal(605 - 5, refund.GpuSeconds);
        Assert.Equal(ResourceUse.Zero, RunStatistics.EarlyStopRefund(run with { Status = ExperimentStatus.Succeeded }, benchmark));
        // A run that somehow used more than its worst case gives nothing back (never a negative refund).
        Assert.Equal(0, RunStatistics.EarlyStopRefund(run with { CpuSeconds = 5000 }, benchmark).CpuSeconds);
    }
}
