using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Reports;
using AutoResearch.Testing.OpenAi;
using Microsoft.Extensions.Options;

namespace AutoResearch.Models.Tests;

/// <summary>
/// Next-night suggestions written by the campaign's model through the real Semantic Kernel client against the scripted
/// OpenAI-compatible server: the report is the prompt, the call is metered, and an outage leaves the rule-based checks.
/// </summary>
public sealed class ReportAdviceTests
{
    private const string Id = "advice-night";

    [Fact]
    public async Task The_campaigns_model_writes_suggestions_from_the_report_and_the_call_is_metered()
    {
        await using var h = await ModelHarness.StartAsync();
        await SeedAsync(h);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Text(
            "<think>the lr range is narrow</think>{\"suggestions\": [\"Try lr between 0.1 and 0.5: the best 0.2 sits mid-range.\", \"Give explorer-1 more budget.\"]}",
            promptTokens: 900, completionTokens: 120));

        var files = await Writer(h).WriteAsync(Id, ReportTrigger.Scheduled);

        var md = await File.ReadAllTextAsync(files.Markdown);
        Assert.Contains("Written by the model `model-a (gpt-a)` (1,020 tokens) from this report:", md);
        Assert.Contains("1. Try lr between 0.1 and 0.5: the best 0.2 sits mid-range.", md);
        Assert.Contains("2. Give explorer-1 more budget.", md);
        Assert.Contains("Rule-based checks:", md);
        var request = Assert.Single(h.Server.Requests);
        Assert.Contains("## Headline", request.RawBody);
        Assert.DoesNotContain(h.Key, request.RawBody);
        var call = Assert.Single(await h.Ledger.GetModelCallsAsync(Id));
        Assert.Equal((ModelAdvisor.AgentId, ModelAdvisor.Purpose, 900L, 120L, "ok"), (call.AgentId, call.Purpose, call.PromptTokens, call.CompletionTokens, call.Outcome));
    }

    [Fact]
    public async Task When_no_model_answers_the_report_says_why_and_keeps_the_rule_based_suggestions()
    {
        await using var h = await ModelHarness.StartAsync(maxRetries: 1);
        await SeedAsync(h);
        h.Server.For("gpt-a").Enqueue(ScriptedReply.Status(500, "boom"), ScriptedReply.Status(500, "boom"));
        h.Server.For("gpt-b").Enqueue(ScriptedReply.Status(500, "boom"), ScriptedReply.Status(500, "boom"));

        var files = await Writer(h).WriteAsync(Id, ReportTrigger.Final);

        var md = await File.ReadAllTextAsync(files.Markdown);
        Assert.Contains("_No model-written suggestions: no model answered", md);
        Assert.Contains("From rule-based checks of this campaign:", md);
        Assert.DoesNotContain("Written by the model", md);
        Assert.Equal(4, h.Server.Requests.Count);
    }

    [Fact]
    public async Task A_campaign_whose_token_budget_is_spent_gets_no_advice_call_and_the_report_says_why()
    {
        await using var h = await ModelHarness.StartAsync();
        await SeedAsync(h, tokenBudget: 4_000, tokensPerRun: 1_000);

        var files = await Writer(h).WriteAsync(Id, ReportTrigger.Final);

        var md = await File.ReadAllTextAsync(files.Markdown);
        Assert.Contains("token budget is spent (4,000 of 4,000 tokens used); no advice asked", md);
        Assert.Empty(h.Server.Requests);
        Assert.Empty(await h.Ledger.GetModelCallsAsync(Id));
    }

    [Fact]
    public void The_advice_allowance_is_capped_by_what_the_campaigns_token_budget_has_left()
    {
        Assert.Equal(8_000, ReportAdvice.Allowance(8_000, campaignTokenBudget: 0, campaignTokensUsed: 50_000));
        Assert.Equal(2_500, ReportAdvice.Allowance(8_000, campaignTokenBudget: 10_000, campaignTokensUsed: 7_500));
        Assert.Equal(0, ReportAdvice.Allowance(8_000, campaignTokenBudget: 10_000, campaignTokensUsed: 12_000));
        var calls = new[]
        {
            new ModelCallRecord { Id = "1", CampaignId = Id, AgentId = ReportAdvice.AgentId, Provider = "a", Model = "m", Purpose = ReportAdvice.Purpose, PromptTokens = 900, CompletionTokens = 100, Outcome = "ok", At = DateTimeOffset.UnixEpoch },
            new ModelCallRecord { Id = "2", CampaignId = Id, AgentId = "scout-1", Provider = "a", Model = "m", Purpose = "propose", PromptTokens = 5_000, CompletionTokens = 500, Outcome = "ok", At = DateTimeOffset.UnixEpoch },
        };
        Assert.Equal(1_000, ReportAdvice.Tokens(calls));
    }

    [Fact]
    public void Suggestions_are_read_from_json_or_from_a_list()
    {
        Assert.Equal(["a", "b"], ModelAdvisor.Parse("```json\n{\"suggestions\": [\"a\", \"b\"]}\n```"));
        Assert.Equal(["first thing", "second thing"], ModelAdvisor.Parse("Here you go:\n1. first thing\n- second thing\nthanks"));
        Assert.Empty(ModelAdvisor.Parse("I cannot help with that."));
    }

    private FileReportWriter Writer(ModelHarness h) =>
        new(h.Ledger, h.Journal, Options.Create(new ReportOptions { OutputDirectory = Path.Combine(Path.GetTempPath(), "ar-advice-" + Guid.NewGuid().ToString("N")[..8]) }),
            TimeProvider.System, h.Gateway);

    private static async Task SeedAsync(ModelHarness h, long tokenBudget = 0, long tokensPerRun = 0)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var benchmark = new BenchmarkSpec
        {
            Name = "quad",
            Directory = "/srv/quad",
            Image = "autoresearch/python:latest",
            Command = ["python", "run.py"],
            Files = ["run.py"],
            Parameters = [new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 0.001, Max = 1, Default = "0.5" }],
            Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize },
            TimeLimit = TimeSpan.FromMinutes(1),
        };
        await h.Ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = Id,
            Name = "advice-night",
            Spec = new CampaignSpec
            {
                Name = "advice-night",
                Benchmark = benchmark,
                Agents =
                [
                    new AgentSpec { Id = "explorer-1", Role = "explorer", Proposer = "gp" },
                    new AgentSpec { Id = "scout-1", Role = "researcher", Proposer = AgentSpec.ModelProposer, Model = "model-a", Failover = ["model-b"] },
                ],
                MaxExperiments = 10,
                Duration = TimeSpan.FromHours(8),
                Budget = new BudgetSpec { Tokens = tokenBudget },
            },
            State = CampaignState.Running,
            CreatedAt = start,
            StartedAt = start,
        });
        for (var i = 0; i < 4; i++)
        {
            await h.Ledger.SaveExperimentAsync(new ExperimentRecord
            {
                Id = $"{Id}/explorer-1/{i:0000}",
                CampaignId = Id,
                AgentId = "explorer-1",
                Sequence = i,
                ProposerName = i == 0 ? "baseline" : "gp",
                IsBaseline = i == 0,
                Kind = i == 0 ? ExperimentKind.Baseline : ExperimentKind.Proposal,
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = i == 0 ? "0.5" : (0.1 * i).ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                Status = ExperimentStatus.Succeeded,
                Objective = 1.0 - 0.1 * i,
                QueuedAt = start.AddMinutes(i),
                StartedAt = start.AddMinutes(i),
                EndedAt = start.AddMinutes(i + 1),
                CpuSeconds = 60,
                Tokens = tokensPerRun,
            });
        }
        await h.Journal.AppendAsync(new JournalEntry { CampaignId = Id, Author = "explorer-1", Kind = JournalEntryKind.Insight, Text = "Smaller lr helps.", At = start.AddMinutes(5) });
    }
}
