using System.CommandLine;
using System.Globalization;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Grains;
using AutoResearch.Host.Hosting;
using AutoResearch.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace AutoResearch.Cli.Commands;

/// <summary><c>autoresearch status [campaign]</c>: campaigns from the ledger, or one campaign's summary.</summary>
public static class StatusCommand
{
    public static Command Create(Option<string?> data)
    {
        var id = new Argument<string?>("campaign") { Description = "Campaign id; omit to list all.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables." };
        var command = new Command("status", "Show campaigns and their progress (reads the ledger; works while a campaign runs).") { id, json };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(parse.GetValue(id), parse.GetValue(json), parse.GetValue(data), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(string? id, bool json, string? dataDirectory, CancellationToken cancellationToken)
    {
        using var session = await LedgerSession.OpenAsync(dataDirectory, cancellationToken);
        var ledger = session.Ledger;
        var slots = session.Services.GetRequiredService<IConfiguration>().GetValue($"{FleetOptions.Section}:Slots", Environment.ProcessorCount);

        if (id is null)
        {
            var campaigns = await ledger.ListCampaignsAsync(cancellationToken);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("campaign", "state", "started", "experiments", "baseline", "best");
            foreach (var c in campaigns.OrderBy(c => c.CreatedAt))
            {
                // Aggregate queries: listing never loads a campaign's experiments.
                var h = await ledger.GetHeadlineAsync(c.Id, c.Spec.Benchmark.Metric, cancellationToken);
                var limits = AutoResearch.Evaluation.CampaignFacts.LimitsInForce(c.Spec, await ledger.GetControlsAsync(c.Id, cancellationToken));
                table.AddRow(Markup.Escape(c.Id), c.State.ToString(), c.StartedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "–",
                    $"{h.Finished}/{limits.MaxExperiments}", Fmt(h.Baseline), Fmt(h.Best));
            }
            if (json)
                await Console.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(campaigns.Select(c => new { id = c.Id, name = c.Name, state = c.State.ToString() })));
            else if (campaigns.Count == 0)
                AnsiConsole.MarkupLine("No campaigns yet. Start one with [bold]autoresearch run campaigns/demo.yaml[/].");
            else
                AnsiConsole.Write(table);
            return 0;
        }

        var campaign = await session.FindCampaignAsync(id, cancellationToken);
        if (campaign is null)
            return 2;
        // Digests: every count, best and budget without the experiments' text.
        var experiments = await ledger.GetExperimentDigestsAsync(id, cancellationToken);
        var leaderboard = await ledger.GetLeaderboardAsync(id, cancellationToken);
        var calls = await ledger.GetModelCallsAsync(id, cancellationToken);
        var controls = await ledger.GetControlsAsync(campaign.Id, cancellationToken);
        var campaignSlots = campaign.Spec.Slots > 0 ? Math.Min(campaign.Spec.Slots, slots) : slots;
        // One projection of the campaign's facts for the status and its summary (the same the console and the report read).
        var facts = AutoResearch.Evaluation.CampaignFacts.Build(campaign.Id, campaign.Spec, campaign.State, experiments, leaderboard, calls, controls, campaignSlots);
        var status = LedgerCampaignStatus.From(campaign, experiments, campaignSlots, facts);
        var summary = CampaignSummaryBuilder.Build(status, experiments, null, status.Slots, leaderboard: leaderboard, modelCalls: calls, facts: facts);
        if (json)
            await Console.Out.WriteLineAsync(summary.ToJson());
        else
            Display.SummaryView.Write(AnsiConsole.Console, status, summary);
        return 0;
    }

    private static string Fmt(double? value) => value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "–";
}
