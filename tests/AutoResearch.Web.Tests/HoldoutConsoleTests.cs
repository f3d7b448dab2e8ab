using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// The console shows held-out re-validation from the ledger: a finished campaign (written straight to the console's ledger)
/// whose accepted best #3 did not hold up on held-out and whose #2 is the final answer ranked by held-out.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class HoldoutConsoleTests(ConsoleFactory console)
{
    [Fact]
    public async Task The_api_detail_and_the_campaign_page_show_in_sample_beside_held_out_and_flag_the_lucky_best()
    {
        var id = await SeedAsync();
        using var client = console.TokenClient();

        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        var holdout = detail.GetProperty("holdout");
        Assert.Equal(2, holdout.GetProperty("finalAnswerSequence").GetInt32());
        Assert.Equal(1.0, holdout.GetProperty("baselineHeldOut").GetDouble(), 9);
        Assert.True(holdout.GetProperty("complete").GetBoolean());
        var rows = holdout.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([0, 2, 3], rows.Select(r => r.GetProperty("sequence").GetInt32()));
        Assert.Equal(["baseline", "held_up", "did_not_hold_up"], rows.Select(r => r.GetProperty("verdict").GetString()));
        Assert.True(rows[2].GetProperty("didNotHoldUp").GetBoolean());
        Assert.Equal(0.5, rows[2].GetProperty("inSample").GetDouble(), 9);
        Assert.Equal(1.3, rows[2].GetProperty("heldOut").GetDouble(), 9);
        Assert.True(rows[1].GetProperty("finalAnswer").GetBoolean());
        // The search's counts leave the held-out runs out.
        Assert.Equal(4, detail.GetProperty("campaign").GetProperty("finished").GetInt32());

        using var admin = await console.SignedInClientAsync();
        var page = await admin.GetStringAsync($"/campaigns/{id}");
        Assert.Contains("Held-out re-validation", page, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"did-not-hold-up\" data-verdict=\"did_not_hold_up\">", page, StringComparison.Ordinal);
        Assert.Contains("Final answer: <a href=\"/campaigns/" + id + "/experiments/2\">#2</a>", page, StringComparison.Ordinal);
    }

    private async Task<string> SeedAsync()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var id = "lucky-console-" + Guid.NewGuid().ToString("N")[..8];
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var benchmark = AnalysisSeed.LuckySplitBenchmark();
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = "lucky-console", State = CampaignState.Completed, CreatedAt = t0, StartedAt = t0, EndedAt = t0.AddMinutes(5),
            Spec = new CampaignSpec
            {
                Name = "lucky-console", Benchmark = benchmark, MaxExperiments = 4, Duration = TimeSpan.FromHours(1),
                Agents = [new AgentSpec { Id = "random-1", Role = "random", Proposer = "random" }],
            },
        });
        ExperimentRecord Run(int sequence, ExperimentKind kind, double objective, string recipe, string? of = null) => new()
        {
            Id = $"{id}/{sequence:D4}", CampaignId = id, AgentId = "random-1", Sequence = sequence, ProposerName = "test",
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["recipe"] = recipe }), Kind = kind, IsBaseline = kind == ExperimentKind.Baseline, RepeatOf = of,
            Status = ExperimentStatus.Succeeded, Objective = objective, QueuedAt = t0.AddSeconds(sequence),
            StartedAt = t0.AddSeconds(sequence), EndedAt = t0.AddSeconds(sequence + 1),
        };
        foreach (var e in new[]
                 {
                     Run(0, ExperimentKind.Baseline, 1.0, "default"), Run(1, ExperimentKind.Proposal, 1.5, "default"),
                     Run(2, ExperimentKind.Proposal, 0.8, "honest"), Run(3, ExperimentKind.Proposal, 0.5, "lucky"),
                     Run(4, ExperimentKind.Holdout, 0.99, "default", $"{id}/0000"), Run(5, ExperimentKind.Holdout, 1.01, "default", $"{id}/0000"),
                     Run(6, ExperimentKind.Holdout, 1.3, "lucky", $"{id}/0003"), Run(7, ExperimentKind.Holdout, 0.8, "honest", $"{id}/0002"),
                 })
        {
            await ledger.SaveExperimentAsync(e);
        }
        return id;
    }
}
