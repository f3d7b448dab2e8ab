using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Harness;
using AutoResearch.Host.Hosting;
using AutoResearch.Ledger;
using AutoResearch.Web.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>The experiments table's query string, its CSV export, and the status the console builds from ledger digests.</summary>
public sealed class ExperimentsTableTests
{
    [Fact]
    public void The_query_string_parses_case_insensitively_and_round_trips()
    {
        var (query, problems) = ExperimentQueryText.Parse(100, 25, "Objective", true, "explorer-1", "succeeded", "accepted", "proposal");
        Assert.False(problems.Any);
        Assert.Equal(new ExperimentQuery
        {
            Offset = 100, Limit = 25, Sort = ExperimentSort.Objective, Descending = true, Agent = "explorer-1",
            Status = ExperimentStatus.Succeeded, Verdict = AcceptanceVerdict.Accepted, Kind = ExperimentKind.Proposal,
        }, query);
        Assert.Equal("?offset=100&limit=25&sort=objective&desc=true&agent=explorer-1&status=Succeeded&verdict=Accepted&kind=Proposal",
            ExperimentQueryText.ToQueryString(query!));
        Assert.Equal("?sort=objective&desc=true&agent=explorer-1&status=Succeeded&verdict=Accepted&kind=Proposal", ExperimentQueryText.ToQueryString(query!, window: false));
        Assert.Equal(new ExperimentQuery(), ExperimentQueryText.Parse(null, null, null, null, " ", "", null, null).Query);
    }

    [Fact]
    public void Every_bad_parameter_gets_its_own_problem()
    {
        var (query, problems) = ExperimentQueryText.Parse(-1, ExperimentQuery.MaxLimit + 1, "colour", null, null, "2", "great", "Nope");
        Assert.Null(query);
        foreach (var field in new[] { "offset", "limit", "sort", "status", "verdict", "kind" })
            Assert.True(problems.For(field).Count == 1, $"no problem for {field}");
        Assert.Contains("sequence, objective, agent, status", problems.For("sort")[0], StringComparison.Ordinal);
        Assert.Contains("Succeeded", problems.For("status")[0], StringComparison.Ordinal); // a number names no status
    }

    [Fact]
    public async Task The_csv_export_quotes_fields_defuses_formulas_and_keeps_every_parameter()
    {
        var at = new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
        ExperimentSummary Row(int seq, Dictionary<string, string> parameters, string hypothesis) => new(
            seq, $"c/a/{seq}", "explorer-1", "Proposal", "Succeeded", "Accepted", 0.5 + seq, at, at.AddSeconds(1), at.AddSeconds(3), 2, hypothesis, null, AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(parameters));
        var rows = new[]
        {
            Row(1, new() { ["lr"] = "0.1" }, "plain"),
            Row(2, new() { ["lr"] = "0.2", ["depth"] = "3" }, "has, comma and \"quotes\"\nand a line"),
            Row(3, [], "=HYPERLINK(\"http://x\")"),
        };
        using var stream = new MemoryStream();
        await ExperimentExport.WriteCsvAsync(stream, rows.ToAsyncEnumerable(), CancellationToken.None);
        var csv = Encoding.UTF8.GetString(stream.ToArray());
        var lines = csv.Split("\n");
        Assert.Equal("sequence,id,agent,kind,status,verdict,objective,queued_at,started_at,ended_at,seconds,hypothesis,reason,param.depth,param.lr,other_parameters", lines[0]);
        Assert.StartsWith("1,c/a/1,explorer-1,Proposal,Succeeded,Accepted,1.5,2026-12-01T22:00:00.000Z,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",plain,,,0.1,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",\"has, comma and \"\"quotes\"\"", csv, StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://x\"\")\",", csv, StringComparison.Ordinal);
        Assert.Equal("-0.5", ExperimentExport.Field("-0.5")); // numbers stay numbers
        Assert.Equal("'-cmd", ExperimentExport.Field("-cmd"));
    }

    /// <param name="baselineFlagged">false: the baseline row is known by its kind only (rows written before the flag); every view still finds it.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Status_from_ledger_digests_equals_status_from_the_full_experiments(bool baselineFlagged)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ar-digest-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var services = new ServiceCollection().AddLogging()
                .AddLedger(o => o.ConnectionString = LedgerOptions.SqliteConnectionStringFor(directory)).BuildServiceProvider();
            var ledger = services.GetRequiredService<ILedger>();
            var spec = CampaignLoader.Load(Path.Combine(RepositoryPaths.Root, "campaigns", "branin.yaml"));
            var campaign = new CampaignRecord
            {
                Id = "digest-status", Name = spec.Name, State = CampaignState.Completed, CreatedAt = DateTimeOffset.UtcNow.AddHours(-1),
                StartedAt = DateTimeOffset.UtcNow.AddHours(-1), EndedAt = DateTimeOffset.UtcNow, Spec = spec,
            };
            await ledger.UpsertCampaignAsync(campaign);
            var rng = new Random(11);
            var agents = spec.Agents.Select(a => a.Id).ToList();
            var list = new List<ExperimentRecord>();
            for (var seq = 1; seq <= 300; seq++)
            {
                var status = seq == 1 ? ExperimentStatus.Succeeded : (ExperimentStatus)rng.Next(5);
                var kind = seq == 1 ? ExperimentKind.Baseline : rng.Next(12) switch { 0 => ExperimentKind.Repeat, 1 => ExperimentKind.Holdout, _ => ExperimentKind.Proposal };
                var rejected = kind == ExperimentKind.Proposal && status == ExperimentStatus.Failed && rng.Next(3) == 0;
                list.Add(new ExperimentRecord
                {
                    Id = $"digest-status/{seq:D4}", CampaignId = campaign.Id, AgentId = agents[rng.Next(agents.Count)], Sequence = seq,
                    ProposerName = "tpe", Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = rng.NextDouble().ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                    Hypothesis = "h", LogTail = "tail", IsBaseline = seq == 1 && baselineFlagged, Kind = kind,
                    RepeatOf = kind is ExperimentKind.Repeat or ExperimentKind.Holdout ? list[rng.Next(Math.Min(4, list.Count))].Id : null,
                    Status = status, Failure = rejected ? FailureKind.Rejected : status == ExperimentStatus.Failed ? FailureKind.Crash : FailureKind.None,
                    Attempt = rejected ? 0 : 1, Objective = status == ExperimentStatus.Succeeded ? rng.NextDouble() * 10 : null,
                    Verdict = (AcceptanceVerdict)rng.Next(6), Origin = (ProposalOrigin)rng.Next(Enum.GetValues<ProposalOrigin>().Length),
                    QueuedAt = campaign.CreatedAt.AddSeconds(seq), StartedAt = campaign.CreatedAt.AddSeconds(seq + 1), EndedAt = campaign.CreatedAt.AddSeconds(seq + 2),
                    CpuSeconds = rng.NextDouble(), Tokens = rng.Next(50), Metrics = [new MetricPoint { Name = "y", Value = 1, Step = 1 }],
                });
            }
            await ledger.SaveExperimentsAsync(list);
            await ledger.AppendLeaderboardAsync(new LeaderboardEntry
            {
                CampaignId = campaign.Id, Index = 0, ExperimentId = list[0].Id, Sequence = 1, AgentId = list[0].AgentId, Objective = list[0].Objective!.Value, AcceptedAt = campaign.CreatedAt,
            });
            var leaderboard = await ledger.GetLeaderboardAsync(campaign.Id);

            var full = LedgerCampaignStatus.From(campaign, await ledger.GetExperimentsAsync(campaign.Id), 4, leaderboard, []);
            var digest = LedgerCampaignStatus.From(campaign, await ledger.GetExperimentDigestsAsync(campaign.Id), 4, leaderboard, []);
            Assert.True(full.Holdout.Results.Count > 0, "the sample has held-out runs");
            Assert.Equal(JsonSerializer.Serialize(full), JsonSerializer.Serialize(digest));
            var headline = await ledger.GetHeadlineAsync(campaign.Id, spec.Benchmark.Metric);
            Assert.Equal((full.Finished, full.Baseline, full.Best, full.BestExperimentId), (headline.Finished, headline.Baseline, headline.Best, headline.BestExperimentId));
            Assert.NotNull(headline.Baseline);
            Assert.Equal(headline, CampaignHeadline.From(await ledger.GetExperimentsAsync(campaign.Id), leaderboard, spec.Benchmark.Metric));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
