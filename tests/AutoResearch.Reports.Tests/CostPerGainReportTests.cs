using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

/// <summary>The "Cost per gain" section of the morning report and the summary JSON's cost per gain, rejections and tokens.</summary>
public sealed class CostPerGainReportTests
{
    private const string Id = "gain-night";

    // Minimize: baseline 0.50 → 0.45 (explorer, 10 %) → 0.40 (scout through "primary", 10 %); exploiter never improves.
    private static readonly List<ExperimentRecord> Experiments =
    [
        SampleCampaign.Experiment(Id, 1, "explorer-1", "baseline", 0.50, 0, 5, baseline: true),
        SampleCampaign.Experiment(Id, 2, "explorer-1", "gp", 0.45, 5, 10, new() { ["lr"] = "0.02" }),
        SampleCampaign.Experiment(Id, 3, "exploiter-1", "tpe", 0.60, 5, 15, new() { ["lr"] = "0.005" }),
        SampleCampaign.Experiment(Id, 4, "scout-1", "llm", 0.40, 10, 15, new() { ["lr"] = "0.03" }) with { Tokens = 4000 },
        SampleCampaign.Experiment(Id, 5, "scout-1", "llm", null, 15, 15, failure: FailureKind.Rejected, reason: "model answer rejected") with { Tokens = 2000 },
    ];

    private static List<LeaderboardEntry> Leaderboard() =>
        new[] { Experiments[0], Experiments[1], Experiments[3] }.Select((e, i) => new LeaderboardEntry
        {
            CampaignId = Id, Index = i, ExperimentId = e.Id, Sequence = e.Sequence, AgentId = e.AgentId, Objective = e.Objective!.Value, AcceptedAt = e.EndedAt!.Value,
        }).ToList();

    private static List<ModelCallRecord> Calls() =>
    [
        new() { Id = "1", CampaignId = Id, AgentId = "scout-1", ExperimentId = Experiments[3].Id, Provider = "primary", Model = "gpt-test", Purpose = "propose", PromptTokens = 3000, CompletionTokens = 1000, Outcome = "ok", At = SampleCampaign.Start.AddMinutes(10) },
        new() { Id = "2", CampaignId = Id, AgentId = "scout-1", ExperimentId = Experiments[4].Id, Provider = "primary", Model = "gpt-test", Purpose = "propose", PromptTokens = 1500, CompletionTokens = 500, Outcome = "ok", At = SampleCampaign.Start.AddMinutes(15) },
    ];

    [Fact]
    public void The_report_says_who_bought_improvement_cheapest_and_lists_cost_per_gain_and_rejections()
    {
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(Id), Experiments, [], SampleCampaign.End, Leaderboard(), Calls());
        var md = MarkdownReportRenderer.Render(model);
        var html = HtmlReportRenderer.Render(model);

        Assert.Contains("## Cost per gain", md);
        Assert.Contains("explorer-1 bought improvement cheapest: 10 % better than the baseline", md);
        Assert.Contains("No gain yet from exploiter-1 (after 1 experiment", md);
        Assert.Contains("| agent | experiments | new bests | gain | tokens | CPU-s | GPU-s | tokens per 1 % of the baseline |", md);
        Assert.Contains("| exploiter-1 | 1 | 0 | no gain yet |", md);
        Assert.Contains("| primary (gpt-test) (scout-1) | 2 | 1 | 10 % | 6,000 |", md);
        Assert.Contains("| primary (gpt-test) | 2 | 1 | 50 % |", md);
        Assert.Contains("<h2 id=\"cost-per-gain\">Cost per gain</h2>", html);
        Assert.Contains("<table id=\"model-rejections\">", html);
    }

    [Fact]
    public void The_agents_table_shows_the_model_that_answered_and_the_failover_that_led_there_as_status_does()
    {
        var campaign = SampleCampaign.Campaign(Id) with
        {
            Spec = SampleCampaign.Spec() with
            {
                Agents = [.. SampleCampaign.Spec().Agents.Select(a => a.Id == "scout-1" ? a with { Model = "first", Failover = ["second"] } : a)],
            },
        };
        var at = SampleCampaign.Start.AddMinutes(12);
        List<ModelCallRecord> calls =
        [
            new() { Id = "1", CampaignId = Id, AgentId = "scout-1", Provider = "first", Model = "model-a", Purpose = "propose", Outcome = "ok", At = at },
            new() { Id = "2", CampaignId = Id, AgentId = "scout-1", Provider = "first", Model = "model-a", Purpose = "propose", Outcome = "failed", Error = "HTTP 503", At = at.AddMinutes(1) },
            new() { Id = "3", CampaignId = Id, AgentId = "scout-1", Provider = "second", Model = "model-b", Purpose = "propose", Outcome = "ok", At = at.AddMinutes(1) },
        ];

        var model = CampaignReportBuilder.Build(campaign, Experiments, [], SampleCampaign.End, Leaderboard(), calls);

        var scout = Assert.Single(model.Agents, a => a.Id == "scout-1");
        Assert.Equal(("second (model-b)", "first: HTTP 503; second answers"), (scout.Model, scout.Failover));
        Assert.Equal(AnsweringModel.Of(campaign.Spec.Agents[2], calls), (scout.Model, scout.Failover));
        Assert.Contains("second (model-b) (failover: first: HTTP 503; second answers)", MarkdownReportRenderer.Render(model));
        Assert.Contains("second (model-b) (failover: first: HTTP 503; second answers)", HtmlReportRenderer.Render(model));
        Assert.Null(Assert.Single(model.Agents, a => a.Id == "explorer-1").Model);
    }

    [Fact]
    public void The_summary_json_has_cost_per_gain_per_agent_and_model_rejection_rates_and_tokens_left()
    {
        var status = new CampaignStatus
        {
            Id = Id, Name = "digits-night", State = CampaignState.Completed, Direction = Direction.Minimize, MetricName = "val_loss",
            Budget = new BudgetSpec { Tokens = 50_000 },
            Agents =
            [
                new AgentStatus { Id = "explorer-1", Role = "explorer", Proposer = "gp" },
                new AgentStatus { Id = "exploiter-1", Role = "exploiter", Proposer = "tpe" },
                new AgentStatus { Id = "scout-1", Role = "scout", Proposer = "llm", TokensUsed = 6000, TokenBudget = 20_000, TokensPerExperiment = 9000, TokenPlan = "proposal 5,000 + repair round 4,000 = 9,000 tokens" },
            ],
        };
        var summary = CampaignSummaryBuilder.Build(status, Experiments, null, 3, SampleCampaign.End, Leaderboard(), Calls());
        using var doc = JsonDocument.Parse(summary.ToJson());
        var root = doc.RootElement;

        Assert.Equal(44_000, root.GetProperty("tokens_remaining").GetInt64());
        var scout = root.GetProperty("agents")[2];
        Assert.Equal(14_000, scout.GetProperty("tokens_remaining").GetInt64());
        Assert.Equal(9000, scout.GetProperty("tokens_reserved_per_experiment").GetInt64());
        Assert.Equal(4000, scout.GetProperty("tokens_per_experiment_max").GetInt64());

        var cost = root.GetProperty("cost_per_gain");
        Assert.Equal("percent_of_baseline", cost.GetProperty("unit").GetString());
        var agents = cost.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(10, agents["explorer-1"].GetProperty("gain_units").GetDouble(), 9);
        Assert.Equal(600, agents["scout-1"].GetProperty("tokens_per_unit").GetDouble(), 9); // 6,000 tokens for 10 %
        Assert.Equal(JsonValueKind.Null, agents["exploiter-1"].GetProperty("cpu_seconds_per_unit").ValueKind);
        var rejection = Assert.Single(root.GetProperty("model_rejections").EnumerateArray());
        Assert.Equal("primary (gpt-test)", rejection.GetProperty("model").GetString());
        Assert.Equal(0.5, rejection.GetProperty("rejection_rate").GetDouble());
    }
}
