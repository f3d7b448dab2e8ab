using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Reports.Tests;

/// <summary>Reports of campaigns with a noise-aware leaderboard, baseline repeats, confirmation runs and early stops.</summary>
public sealed class NoiseAwareReportTests
{
    private const string Id = SampleCampaign.Id;

    /// <summary>Sample campaign plus: two repeats of the baseline (0.52, 0.48), a pruned run, and a leaderboard accepting #12 over the baseline.</summary>
    private static (List<ExperimentRecord> Experiments, List<LeaderboardEntry> Leaderboard) Seeded()
    {
        var experiments = SampleCampaign.Experiments();
        var baseline = experiments.Single(e => e.IsBaseline);
        experiments.Add(SampleCampaign.Experiment(Id, 17, "explorer-1", "repeat", 0.52, 1, 4) with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id });
        experiments.Add(SampleCampaign.Experiment(Id, 18, "scout-1", "repeat", 0.48, 2, 5) with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id });
        experiments.Add(SampleCampaign.Experiment(Id, 19, "exploiter-1", "tpe", 0.9, 30, 31) with
        {
            Status = ExperimentStatus.Pruned,
            Reason = "median rule: val_loss 0.9 at step 2 is worse than the median 0.6 of 5 earlier runs at step 2",
        });
        var best = experiments.Single(e => e.Sequence == 12);
        experiments[experiments.IndexOf(best)] = best with { Verdict = AcceptanceVerdict.Accepted, Confidence = 0.995, Margin = 0.03 };
        List<LeaderboardEntry> board =
        [
            new() { CampaignId = Id, Index = 0, ExperimentId = baseline.Id, Sequence = baseline.Sequence, AgentId = baseline.AgentId, Objective = 0.5, Runs = 3, StdDev = 0.02, AcceptedAt = SampleCampaign.Start.AddMinutes(5) },
            new() { CampaignId = Id, Index = 1, ExperimentId = best.Id, Sequence = 12, AgentId = "exploiter-1", Objective = 0.40, Runs = 1, Confidence = 0.995, Margin = 0.03, AcceptedAt = SampleCampaign.Start.AddMinutes(25) },
        ];
        return (experiments, board);
    }

    [Fact]
    public void The_model_takes_the_accepted_best_the_baseline_mean_and_the_noise_from_the_ledger()
    {
        var (experiments, board) = Seeded();
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), experiments, SampleCampaign.Journal(), SampleCampaign.End, board);

        Assert.Equal(0.5, model.BaselineMean!.Value, 12);
        Assert.Equal(3, model.BaselineRuns);
        Assert.Equal(0.40, model.BestObjective);
        Assert.Equal(12, model.Best!.Sequence);
        Assert.Same(board[1], model.AcceptedBest);
        Assert.Equal(0.2, model.RelativeImprovement!.Value, 9);
        // Baseline group 0.50, 0.52, 0.48: sd 0.02 with 2 degrees of freedom; no other repeat group.
        Assert.Equal(0.02, model.NoiseStdDev!.Value, 9);
        Assert.Equal(3, model.NoiseRuns);
        Assert.Equal(1, model.Pruned);
        Assert.DoesNotContain(model.FailuresByKind, g => g.ExampleExperimentId.EndsWith("0019", StringComparison.Ordinal));
    }

    [Fact]
    public void Markdown_and_html_show_the_confidence_the_leaderboard_verdicts_and_early_stops()
    {
        var (experiments, board) = Seeded();
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), experiments, SampleCampaign.Journal(), SampleCampaign.End, board);
        var md = MarkdownReportRenderer.Render(model);
        var html = System.Net.WebUtility.HtmlDecode(HtmlReportRenderer.Render(model));

        var line = ReportNarrative.ConfidenceLine(model)!;
        Assert.Equal("Best 0.4 over 1 run(s): campaign-wide confidence 99.5% that it beats the previous best, corrected for 1 comparison (by more than the noise margin 0.03 on fresh runs); run-to-run noise σ 0.02 from 3 repeated runs.", line);
        foreach (var text in new[] { md, html })
        {
            Assert.Contains("Leaderboard", text);
            Assert.Contains("0.5 ± 0.02", text);
            Assert.Contains("stopped early", text);
            Assert.Contains("accepted (99.5%)", text);
            Assert.Contains("repeat of #1", text);
            Assert.Contains("0.9 at step 2 is worse than the median 0.6", text);
        }
        Assert.Contains("- Confidence: Best 0.4 over 1 run(s)", md);
        Assert.Contains("19 total · 12 succeeded · 6 failed · 1 stopped early", md);
    }

    [Fact]
    public void Utilization_counts_the_time_an_experiment_held_its_slot_when_recorded()
    {
        var start = SampleCampaign.Start;
        ExperimentRecord Run(int seq, double slotFrom, double slotTo, double runFrom, double runTo) =>
            SampleCampaign.Experiment(Id, seq, "a", "gp", 1, runFrom, runTo) with { SlotStartedAt = start.AddMinutes(slotFrom), SlotEndedAt = start.AddMinutes(slotTo) };

        // Two slots over 10 minutes; slots held 0–5 and 0–10 (containers ran 1–4 and 1–9).
        var experiments = new List<ExperimentRecord> { Run(1, 0, 5, 1, 4), Run(2, 0, 10, 1, 9) };
        Assert.Equal(0.75, CampaignSummaryBuilder.Utilization(start, start.AddMinutes(10), experiments, 2), 4);

        // Without slot times (older ledgers) the container run time counts.
        var old = experiments.Select(e => e with { SlotStartedAt = null, SlotEndedAt = null }).ToList();
        Assert.Equal(0.55, CampaignSummaryBuilder.Utilization(start, start.AddMinutes(10), old, 2), 4);
    }

    [Fact]
    public void The_summary_reports_the_accepted_best_its_confidence_and_whether_agents_stayed_within_budget()
    {
        var (experiments, _) = Seeded();
        var agent = AgentStatus.Initial(new Abstractions.Specs.AgentSpec { Id = "explorer-1", Role = "explorer", Proposer = "gp", CpuBudgetSeconds = 100 }) with { CpuSecondsUsed = 100 };
        var over = AgentStatus.Initial(new Abstractions.Specs.AgentSpec { Id = "exploiter-1", Role = "exploiter", Proposer = "gp", CpuBudgetSeconds = 100 }) with { CpuSecondsUsed = 100.5 };
        var status = new CampaignStatus
        {
            Id = Id,
            Name = "digits-night",
            State = CampaignState.Completed,
            StartedAt = SampleCampaign.Start,
            EndedAt = SampleCampaign.End,
            MetricName = "val_loss",
            Best = 0.40,
            BestExperimentId = experiments.Single(e => e.Sequence == 12).Id,
            BestConfidence = 0.995,
            BestRuns = 1,
            NoiseStdDev = 0.02,
            Agents = [agent, over],
        };
        var summary = CampaignSummaryBuilder.Build(status, experiments, null, 2);
        Assert.Equal(0.40, summary.Best);
        Assert.Equal(0.995, summary.BestConfidence);
        Assert.Equal(0.02, summary.NoiseStdDev);
        Assert.Equal(1, summary.Pruned);
        Assert.True(summary.Agents[0].WithinBudget);
        Assert.False(summary.Agents[1].WithinBudget);
        Assert.Equal(1, summary.Agents[1].Pruned);
    }
}
