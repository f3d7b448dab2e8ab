using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

/// <summary>
/// The sample campaign with held-out re-validation: the baseline (#1, 0.50) held out at 0.51; the accepted best #12 (0.40
/// in-sample) held out at 0.56, so it did not hold up; #14 (0.41) held out at 0.43, the final answer ranked by held-out.
/// </summary>
public sealed class HoldoutReportTests
{
    private static List<ExperimentRecord> Experiments()
    {
        var list = SampleCampaign.Experiments();
        var baseline = list.Single(e => e.Sequence == 1) with { Kind = ExperimentKind.Baseline };
        list[0] = baseline;
        var best = list.Single(e => e.Sequence == 12);
        var second = list.Single(e => e.Sequence == 14);
        var seq = 17;
        ExperimentRecord HeldOut(ExperimentRecord of, double value) => of with
        {
            Id = $"{SampleCampaign.Id}/holdout/{seq:0000}",
            Sequence = seq++,
            Kind = ExperimentKind.Holdout,
            IsBaseline = false,
            RepeatOf = of.Id,
            ProposerName = "holdout",
            Objective = value,
        };
        list.AddRange([HeldOut(baseline, 0.50), HeldOut(baseline, 0.52), HeldOut(best, 0.55), HeldOut(best, 0.57), HeldOut(second, 0.42), HeldOut(second, 0.44)]);
        return list;
    }

    private static List<LeaderboardEntry> Leaderboard(IReadOnlyList<ExperimentRecord> experiments) =>
        new[] { 1, 12 }.Select((s, i) =>
        {
            var e = experiments.Single(x => x.Sequence == s);
            return new LeaderboardEntry
            {
                CampaignId = SampleCampaign.Id, Index = i, ExperimentId = e.Id, Sequence = s, AgentId = e.AgentId, Objective = e.Objective!.Value,
                AcceptedAt = e.EndedAt!.Value, Confidence = i == 0 ? null : 0.99,
            };
        }).ToList();

    private static CampaignReportModel Model()
    {
        var experiments = Experiments();
        return CampaignReportBuilder.Build(SampleCampaign.Campaign(), experiments, [], SampleCampaign.End.AddMinutes(5), Leaderboard(experiments));
    }

    [Fact]
    public void The_model_ranks_by_held_out_flags_the_lucky_best_and_counts_only_the_search()
    {
        var model = Model();

        Assert.Equal(16, model.Total); // the held-out runs are apart
        Assert.Equal(0.40, model.BestObjective!.Value, 9); // the in-sample best is still the accepted best
        Assert.Equal([14, 12], model.Holdout.Results.Select(r => r.Sequence));
        Assert.True(model.Holdout.For(model.Best!.Id)!.DidNotHoldUp);
        Assert.Equal(14, model.Holdout.FinalAnswer!.Sequence);
        Assert.Equal(0.51, model.Holdout.Baseline!.HeldOut!.Value, 9);
        Assert.Contains(model.Experiments, r => r.Kind == ExperimentKind.Holdout && ReportNarrative.KindText(r) == "held-out run of #12");
    }

    [Fact]
    public void Markdown_and_html_show_in_sample_beside_held_out_with_the_flag_and_the_final_answer()
    {
        var model = Model();
        var md = MarkdownReportRenderer.Render(model);
        var html = HtmlReportRenderer.Render(model);

        Assert.Contains("## Held-out re-validation", md);
        Assert.Contains("| 1 | #14 **final answer** | explorer-1 | 0.41 (1 run) | 0.43 ± 0.0141421 (2 runs) | +0.02 | held up |", md);
        Assert.Contains("| 2 | #12 | exploiter-1 | 0.4 (1 run) | 0.56 ± 0.0141421 (2 runs) | +0.16 | **did not hold up** |", md);
        Assert.Contains("| — | #1 (baseline) | explorer-1 | 0.5 (1 run) | 0.51 ± 0.0141421 (2 runs) | +0.01 | reference |", md);
        Assert.Contains(@"**Held-out: accepted best \#12: in-sample 0.4 vs held-out 0.56 — did not hold up; baseline held-out 0.51; final answer ranked by held-out: \#14 (held-out val\_loss 0.43).**", md);
        Assert.True(md.IndexOf("## Held-out re-validation", StringComparison.Ordinal) < md.IndexOf("## Top experiments", StringComparison.Ordinal));

        Assert.Contains("<h2>Held-out re-validation</h2>", html);
        Assert.Contains("<tr class=\"did-not-hold-up\">", html);
        Assert.Contains("<tr class=\"final-answer\">", html);
        Assert.Contains("<strong>did not hold up</strong>", html);
        Assert.Contains("<li class=\"holdout\"><strong>Held-out: accepted best #12", html);
    }

    [Fact]
    public void Without_held_out_runs_the_report_has_no_held_out_section()
    {
        var model = SampleCampaign.Model();
        Assert.True(model.Holdout.IsEmpty);
        Assert.DoesNotContain("Held-out", MarkdownReportRenderer.Render(model));
        Assert.DoesNotContain("Held-out", HtmlReportRenderer.Render(model));
    }

    [Fact]
    public void The_json_summary_carries_held_out_and_the_flag_and_counts_only_the_search()
    {
        var experiments = Experiments();
        var status = new CampaignStatus
        {
            Id = SampleCampaign.Id, Name = "digits-night", State = CampaignState.Completed, Direction = Direction.Minimize, MetricName = "val_loss",
            StartedAt = SampleCampaign.Start, EndedAt = SampleCampaign.End,
        };
        var summary = CampaignSummaryBuilder.Build(status, experiments, null, 3, leaderboard: Leaderboard(experiments));
        using var doc = JsonDocument.Parse(summary.ToJson());
        var root = doc.RootElement;

        Assert.Equal(16, root.GetProperty("experiments").GetInt32());
        Assert.Equal(0.56, root.GetProperty("best_held_out").GetDouble(), 9);
        Assert.False(root.GetProperty("best_held_up").GetBoolean());
        var holdout = root.GetProperty("holdout");
        Assert.Equal(0.51, holdout.GetProperty("baseline").GetDouble(), 9);
        Assert.Equal(14, holdout.GetProperty("final_answer_sequence").GetInt32());
        Assert.True(holdout.GetProperty("complete").GetBoolean());
        Assert.Equal(6, holdout.GetProperty("runs").GetInt32());
        var results = holdout.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1, 14, 12], results.Select(r => r.GetProperty("sequence").GetInt32()));
        Assert.Equal(["baseline", "held_up", "did_not_hold_up"], results.Select(r => r.GetProperty("verdict").GetString()));
        Assert.True(results[2].GetProperty("did_not_hold_up").GetBoolean());
        Assert.Equal(0.4, results[2].GetProperty("in_sample").GetDouble(), 9);
        Assert.Equal(2, results[2].GetProperty("rank").GetInt32());
    }
}
