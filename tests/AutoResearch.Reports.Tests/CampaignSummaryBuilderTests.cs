using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

public sealed class CampaignSummaryBuilderTests
{
    private static readonly DateTimeOffset T0 = SampleCampaign.Start;

    private static CampaignStatus Status(DateTimeOffset? start, DateTimeOffset? end) => new()
    {
        Id = SampleCampaign.Id,
        Name = "digits-night",
        State = end is null ? CampaignState.Running : CampaignState.Completed,
        StartedAt = start,
        EndedAt = end,
        Direction = Direction.Minimize,
        MetricName = "val_loss",
        Agents =
        [
            new AgentStatus
            {
                Id = "scout-1", Role = "scout", Proposer = "llm", Model = "gpt-test", Experiments = 5, TokensUsed = 12_345,
                TokenBudget = 200_000, GpuSecondsUsed = 200, GpuBudgetSeconds = 600, CpuSecondsUsed = 960, CpuBudgetSeconds = 1200,
            },
        ],
    };

    [Fact]
    public void Json_has_exactly_the_listed_keys_on_one_line()
    {
        var summary = CampaignSummaryBuilder.Build(
            Status(T0, SampleCampaign.End), SampleCampaign.Experiments(), new ReportFiles("/r/report.md", "/r/report.html"), 3);

        var json = summary.ToJson();

        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(
            ["campaign", "experiments", "succeeded", "failed", "direction", "baseline", "baseline_runs", "best", "best_confidence", "best_runs", "noise_stddev", "noise_identical_repeats", "acceptance_rule", "min_improvement", "best_accepted_by", "pruned",
             "report", "report_html", "agents", "best_held_out", "best_held_up", "holdout", "utilization", "awaiting_approval", "awaiting_approval_since",
             "token_budget", "tokens_used", "tokens_remaining", "cost_per_gain", "model_rejections"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        var agent = doc.RootElement.GetProperty("agents")[0];
        Assert.Equal(
            ["id", "role", "model", "model_problem", "experiments", "state", "activity", "new_bests", "rejections", "max_rejections", "tokens_used", "token_budget", "gpu_seconds_used", "gpu_budget_seconds", "cpu_seconds_used", "cpu_budget_seconds",
             "pruned", "budget", "used", "tokens_remaining", "tokens_reserved_per_experiment", "token_plan", "tokens_per_experiment_max", "allocation_share", "within_budget"],
            agent.EnumerateObject().Select(p => p.Name));

        var root = doc.RootElement;
        Assert.Equal(SampleCampaign.Id, root.GetProperty("campaign").GetString());
        Assert.Equal(16, root.GetProperty("experiments").GetInt32());
        Assert.Equal(10, root.GetProperty("succeeded").GetInt32());
        Assert.Equal(6, root.GetProperty("failed").GetInt32());
        Assert.Equal("minimize", root.GetProperty("direction").GetString());
        Assert.Equal(0.5, root.GetProperty("baseline").GetDouble());
        Assert.Equal(0.4, root.GetProperty("best").GetDouble());
        Assert.Equal("/r/report.md", root.GetProperty("report").GetString());
        Assert.Equal("/r/report.html", root.GetProperty("report_html").GetString());
        Assert.Equal(12_345, agent.GetProperty("tokens_used").GetInt64());
        Assert.Equal(5, agent.GetProperty("experiments").GetInt32());
    }

    [Fact]
    public void Utilization_matches_a_hand_computed_case()
    {
        // Window 0..100 min (still running, now = 100), 2 slots → 200 slot-minutes available.
        // Busy: A 0-30 (30) + B 10-50 (40) + C 90-120 clipped to 90-100 (10) + D -10..20 clipped to 0-20 (20)
        //       + E running since 95 (5) + F rejected, never started (0) = 105 → 105 / 200 = 0.525.
        var id = SampleCampaign.Id;
        List<ExperimentRecord> experiments =
        [
            SampleCampaign.Experiment(id, 1, "a", "gp", 1, 0, 30),
            SampleCampaign.Experiment(id, 2, "a", "gp", 1, 10, 50),
            SampleCampaign.Experiment(id, 3, "a", "gp", 1, 90, 120),
            SampleCampaign.Experiment(id, 4, "a", "gp", 1, -10, 20),
            SampleCampaign.Experiment(id, 5, "a", "gp", null, 95, 95) with { Status = ExperimentStatus.Running, EndedAt = null },
            SampleCampaign.Experiment(id, 6, "a", "gp", null, 40, 40, failure: FailureKind.Rejected),
        ];

        var summary = CampaignSummaryBuilder.Build(Status(T0, null), experiments, null, slots: 2, now: T0.AddMinutes(100));

        Assert.Equal(0.525, summary.Utilization, 6);
        Assert.Null(summary.Report);
        Assert.Contains("\"report\":null", summary.ToJson());
    }

    [Fact]
    public void Utilization_is_zero_when_undefined()
    {
        Assert.Equal(0, CampaignSummaryBuilder.Utilization(null, T0, SampleCampaign.Experiments(), 2));
        Assert.Equal(0, CampaignSummaryBuilder.Utilization(T0, T0.AddMinutes(10), SampleCampaign.Experiments(), 0));
        Assert.Equal(0, CampaignSummaryBuilder.Utilization(T0, T0, SampleCampaign.Experiments(), 2));
    }

    [Fact]
    public void Empty_campaign_summarises_with_nulls()
    {
        var summary = CampaignSummaryBuilder.Build(Status(null, null) with { Direction = Direction.Maximize, Agents = [] }, [], null, 4, T0);

        using var doc = JsonDocument.Parse(summary.ToJson());
        Assert.Equal("maximize", doc.RootElement.GetProperty("direction").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("best").ValueKind);
        Assert.Equal(0, doc.RootElement.GetProperty("experiments").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("utilization").GetDouble());
    }
}
