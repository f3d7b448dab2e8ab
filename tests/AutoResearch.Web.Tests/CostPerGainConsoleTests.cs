using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// The campaign page shows cost per gain from the ledger: a finished campaign where a model agent made the one accepted
/// new best (through endpoint "primary") and had one proposal rejected, and a built-in agent never improved.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CostPerGainConsoleTests(ConsoleFactory console)
{
    [Fact]
    public async Task The_campaign_page_and_the_api_show_cost_per_gain_rejection_rates_and_tokens()
    {
        var id = await SeedAsync();
        using var client = console.TokenClient();
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        var cost = detail.GetProperty("costPerGain");
        Assert.StartsWith("scout-1 bought improvement cheapest: 20 % better than the baseline", cost.GetProperty("verdict").GetString(), StringComparison.Ordinal);

        using var admin = await console.SignedInClientAsync();
        var page = await admin.GetStringAsync($"/campaigns/{id}");
        Assert.Contains("<h2 id=\"cost-per-gain-title\">Cost per gain", page, StringComparison.Ordinal);
        Assert.Contains("No gain yet from random-1 (after 2 experiments", page, StringComparison.Ordinal);
        Assert.Contains("<td>primary (m1)</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">50 %</td>", page, StringComparison.Ordinal);
        Assert.Contains("<table class=\"grid\" id=\"tokens\">", page, StringComparison.Ordinal);
        Assert.Contains("<td>scout-1</td><td class=\"num\">5,000</td><td class=\"num\">20,000</td><td class=\"num\">15,000</td>", page, StringComparison.Ordinal);
    }

    private async Task<string> SeedAsync()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var id = "gain-console-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var benchmark = new BenchmarkSpec
        {
            Name = "quad", Directory = "/tmp", Image = "autoresearch/python:latest", Command = ["python3", "q.py"], Files = ["q.py"],
            Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize }, TimeLimit = TimeSpan.FromSeconds(30),
            Parameters = [new ParameterSpec { Name = "x", Type = ParameterType.Float, Min = 0, Max = 1, Default = "0.5" }],
        };
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = "gain-console", State = CampaignState.Completed, CreatedAt = t0, StartedAt = t0, EndedAt = t0.AddMinutes(5),
            Spec = new CampaignSpec
            {
                Name = "gain-console", Benchmark = benchmark, MaxExperiments = 4, Duration = TimeSpan.FromHours(1),
                Agents =
                [
                    new AgentSpec { Id = "random-1", Role = "random", Proposer = "random" },
                    new AgentSpec { Id = "scout-1", Role = "scout", Proposer = "llm", TokenBudget = 20_000 },
                ],
            },
        });
        ExperimentRecord Run(int sequence, string agent, double? objective, long tokens = 0, FailureKind failure = FailureKind.None) => new()
        {
            Id = $"{id}/{sequence:D4}", CampaignId = id, AgentId = agent, Sequence = sequence, ProposerName = "test",
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x"] = "0.5" }), Kind = sequence == 0 ? ExperimentKind.Baseline : ExperimentKind.Proposal, IsBaseline = sequence == 0,
            Status = objective is null ? ExperimentStatus.Failed : ExperimentStatus.Succeeded, Failure = failure, Objective = objective,
            QueuedAt = t0.AddSeconds(sequence), StartedAt = t0.AddSeconds(sequence), EndedAt = t0.AddSeconds(sequence + 1),
            CpuSeconds = objective is null ? 0 : 30, Tokens = tokens,
        };
        var runs = new[] { Run(0, "random-1", 1.0), Run(1, "random-1", 1.2), Run(2, "scout-1", 0.8, 3000), Run(3, "scout-1", null, 2000, FailureKind.Rejected) };
        foreach (var e in runs) await ledger.SaveExperimentAsync(e);
        foreach (var (e, index) in new[] { (runs[0], 0), (runs[2], 1) })
        {
            await ledger.AppendLeaderboardAsync(new LeaderboardEntry
            {
                CampaignId = id, Index = index, ExperimentId = e.Id, Sequence = e.Sequence, AgentId = e.AgentId, Objective = e.Objective!.Value, AcceptedAt = e.EndedAt!.Value,
            });
        }
        foreach (var (e, tokens) in new[] { (runs[2], 3000L), (runs[3], 2000L) })
        {
            await ledger.RecordModelCallAsync(new ModelCallRecord
            {
                Id = Guid.NewGuid().ToString("N"), CampaignId = id, AgentId = "scout-1", ExperimentId = e.Id, Provider = "primary", Model = "m1",
                Purpose = "propose", PromptTokens = tokens - 500, CompletionTokens = 500, Outcome = "ok", At = e.QueuedAt,
            });
        }
        return id;
    }
}
