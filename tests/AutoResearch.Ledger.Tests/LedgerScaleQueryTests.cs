using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Ledger.Tests;

/// <summary>
/// The ledger's scale queries (paged experiments, digests, headlines, bulk save) against the in-memory rules they replace:
/// every page, filter and sort equals <see cref="ExperimentQuery.Apply"/> over the full list, and the headline equals
/// <see cref="CampaignHeadline.From"/> over the full list.
/// </summary>
public sealed class LedgerScaleQueryTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    private static readonly string[] Agents = ["explorer-1", "exploiter-1", "random-1"];

    /// <summary>A mixed campaign: baseline, proposals of every status and verdict, repeats, rejected proposals, held-out runs, missing objectives, ties.</summary>
    internal static List<ExperimentRecord> Mixed(string campaign, int n, int seed)
    {
        var rng = new Random(seed);
        var start = new DateTimeOffset(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
        var list = new List<ExperimentRecord>();
        for (var seq = 1; seq <= n; seq++)
        {
            var agent = Agents[rng.Next(Agents.Length)];
            var status = seq == 1 ? ExperimentStatus.Succeeded : (ExperimentStatus)rng.Next(5);
            var kind = seq == 1 ? ExperimentKind.Baseline : rng.Next(10) switch { 0 => ExperimentKind.Repeat, 1 => ExperimentKind.Holdout, _ => ExperimentKind.Proposal };
            var rejected = kind == ExperimentKind.Proposal && status == ExperimentStatus.Failed && rng.Next(3) == 0;
            // Rounded objectives make ties; some succeeded runs have none.
            double? objective = status is ExperimentStatus.Succeeded or ExperimentStatus.Pruned && rng.Next(12) != 0 ? Math.Round(rng.NextDouble() * 20, 1) : null;
            list.Add(new ExperimentRecord
            {
                Id = $"{campaign}/{agent}/{seq:D5}",
                CampaignId = campaign,
                AgentId = agent,
                Sequence = seq,
                ProposerName = "tpe",
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x"] = rng.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture) }),
                Hypothesis = $"hypothesis {seq}",
                Reason = status == ExperimentStatus.Failed ? $"reason {seq}" : null,
                IsBaseline = seq == 1,
                Kind = kind,
                RepeatOf = kind is ExperimentKind.Repeat or ExperimentKind.Holdout && seq > 3 ? list[rng.Next(Math.Min(3, list.Count))].Id : null,
                Status = status,
                Failure = rejected ? FailureKind.Rejected : status == ExperimentStatus.Failed ? FailureKind.Crash : FailureKind.None,
                Attempt = rejected ? 0 : 1,
                Verdict = (AcceptanceVerdict)rng.Next(6),
                Objective = objective,
                QueuedAt = start.AddSeconds(seq),
                StartedAt = start.AddSeconds(seq + 0.5),
                EndedAt = status is ExperimentStatus.Queued or ExperimentStatus.Running ? null : start.AddSeconds(seq + 1 + rng.NextDouble()),
                CpuSeconds = rng.NextDouble(),
                Tokens = rng.Next(100),
                LogHead = "head " + seq,
                LogTail = "tail " + seq,
                Metrics = [new MetricPoint { Name = "loss", Value = seq, Step = 1 }],
                Notes = ["a note"],
                EditedFiles = seq % 7 == 0 ? new() { ["train.py"] = "x = 2\n" } : [],
                Diff = seq % 7 == 0 ? "--- a\n+++ b\n" : null,
            });
        }

        return list;
    }

    private static MetricSpec Metric(Direction direction) => new() { Name = "loss", Direction = direction };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task EveryPageFilterAndSortEqualsTheInMemoryQuery(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("paged");
        await db.Ledger.SaveExperimentsAsync(Mixed(campaign, 240, 1));
        await db.Ledger.SaveExperimentsAsync(Mixed(TestData.NewCampaignId("other"), 30, 2)); // another campaign's rows never leak in
        var all = await db.Ledger.GetExperimentsAsync(campaign);
        Assert.Equal(240, all.Count);

        var queries = new List<ExperimentQuery>();
        foreach (var sort in Enum.GetValues<ExperimentSort>())
        foreach (var desc in new[] { false, true })
        {
            queries.Add(new ExperimentQuery { Sort = sort, Descending = desc, Limit = 1000 });
            queries.Add(new ExperimentQuery { Sort = sort, Descending = desc, Offset = 37, Limit = 25 });
            queries.Add(new ExperimentQuery { Sort = sort, Descending = desc, Agent = "random-1", Status = ExperimentStatus.Succeeded, Limit = 10, Offset = 5 });
            queries.Add(new ExperimentQuery { Sort = sort, Descending = desc, Verdict = AcceptanceVerdict.NotBetter, Kind = ExperimentKind.Proposal, Limit = 7 });
        }
        queries.Add(new ExperimentQuery { Agent = "nobody" });
        queries.Add(new ExperimentQuery { Offset = 10_000 });

        foreach (var q in queries)
        {
            var expected = q.Apply(all);
            var actual = await db.Ledger.QueryExperimentsAsync(campaign, q);
            Assert.True(expected.Total == actual.Total, $"total for {q}: expected {expected.Total}, got {actual.Total}");
            Assert.True(expected.Items.Select(e => e.Id).SequenceEqual(actual.Items.Select(e => e.Id)),
                $"page for {q}: expected [{string.Join(", ", expected.Items.Select(e => e.Sequence))}], got [{string.Join(", ", actual.Items.Select(e => e.Sequence))}]");
            Assert.All(actual.Items, e => Assert.True(q.Matches(e), $"#{e.Sequence} does not match {q}"));
        }

        // Walking the pages of the objective sort visits every experiment once.
        var seen = new List<string>();
        for (var offset = 0; ; offset += 50)
        {
            var page = await db.Ledger.QueryExperimentsAsync(campaign, new ExperimentQuery { Sort = ExperimentSort.Objective, Descending = true, Offset = offset, Limit = 50 });
            seen.AddRange(page.Items.Select(e => e.Id));
            if (page.Items.Count < 50) break;
        }
        Assert.Equal(all.Select(e => e.Id).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        // Page rows carry their text and parameters (not digests), without logs, curves and notes.
        var first = (await db.Ledger.QueryExperimentsAsync(campaign, new ExperimentQuery { Limit = 1 })).Items.Single();
        Assert.Equal("hypothesis 1", first.Hypothesis);
        Assert.Single(first.Parameters);
        Assert.Equal("", first.LogTail);
        Assert.Empty(first.Metrics);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AnExportReadsTheMatchingIdsOnceThenTheirRowsInThatOrder(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("export");
        await db.Ledger.SaveExperimentsAsync(Mixed(campaign, 240, 3));
        await db.Ledger.SaveExperimentsAsync(Mixed(TestData.NewCampaignId("other"), 30, 4));
        var all = await db.Ledger.GetExperimentsAsync(campaign);
        foreach (var q in new[]
        {
            new ExperimentQuery { Sort = ExperimentSort.Objective, Descending = true },
            new ExperimentQuery { Sort = ExperimentSort.Status, Agent = "random-1" },
            new ExperimentQuery { Verdict = AcceptanceVerdict.NotBetter },
        })
        {
            var expected = (q with { Limit = ExperimentQuery.MaxLimit }).Apply(all).Items.Select(e => e.Id).ToList();
            var ids = await db.Ledger.QueryExperimentIdsAsync(campaign, q with { Offset = 100, Limit = 3 }); // the window is ignored
            Assert.Equal(expected, ids);
        }

        // A running campaign's row changes status between two chunks: the ids were read before, so it is neither repeated nor
        // skipped; ids with no row (any more, or another campaign's) are left out; rows come in the order asked for.
        var byStatus = await db.Ledger.QueryExperimentIdsAsync(campaign, new ExperimentQuery { Sort = ExperimentSort.Status });
        var firstChunk = await db.Ledger.GetExperimentsByIdsAsync(campaign, byStatus.Take(100).ToList());
        var moved = all.Single(e => e.Id == byStatus[150]);
        var newStatus = moved.Status == ExperimentStatus.Failed ? ExperimentStatus.Succeeded : ExperimentStatus.Failed;
        await db.Ledger.SaveExperimentAsync(moved with { Status = newStatus });
        var secondChunk = await db.Ledger.GetExperimentsByIdsAsync(campaign, [.. byStatus.Skip(100), "no-such-id", $"{campaign}x/none"]);
        Assert.Equal(byStatus, firstChunk.Concat(secondChunk).Select(e => e.Id).ToList());
        Assert.Equal(newStatus, secondChunk.Single(e => e.Id == moved.Id).Status);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AWindowOutOfRangeIsRefusedWithItsName(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("window");
        foreach (var bad in new[] { new ExperimentQuery { Limit = 0 }, new ExperimentQuery { Limit = ExperimentQuery.MaxLimit + 1 }, new ExperimentQuery { Offset = -1 } })
        {
            var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.Ledger.QueryExperimentsAsync(campaign, bad));
            Assert.True(e.ParamName is "Limit" or "Offset", e.ParamName);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task HeadlineFromAggregateQueriesEqualsTheFullComputation(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        for (var seed = 1; seed <= 6; seed++)
        {
            var campaign = TestData.NewCampaignId($"head{seed}");
            var experiments = Mixed(campaign, 40 + seed * 20, seed);
            await db.Ledger.SaveExperimentsAsync(experiments);
            // Half the campaigns have a leaderboard (the accepted best's mean over its runs), half do not (the best single run).
            if (seed % 2 == 0)
            {
                var accepted = experiments.Where(e => e.HasUsableObjective && e.Kind != ExperimentKind.Repeat).Skip(1).First();
                await db.Ledger.AppendLeaderboardAsync(new LeaderboardEntry
                {
                    CampaignId = campaign, Index = 0, ExperimentId = experiments[0].Id, Sequence = 1, AgentId = experiments[0].AgentId, Objective = 10, AcceptedAt = DateTimeOffset.UtcNow,
                });
                await db.Ledger.AppendLeaderboardAsync(new LeaderboardEntry
                {
                    CampaignId = campaign, Index = 1, ExperimentId = accepted.Id, Sequence = accepted.Sequence, AgentId = accepted.AgentId, Objective = 99, AcceptedAt = DateTimeOffset.UtcNow,
                });
            }

            var all = await db.Ledger.GetExperimentsAsync(campaign);
            var leaderboard = await db.Ledger.GetLeaderboardAsync(campaign);
            foreach (var direction in Enum.GetValues<Direction>())
            {
                var expected = CampaignHeadline.From(all, leaderboard, Metric(direction));
                var actual = await db.Ledger.GetHeadlineAsync(campaign, Metric(direction));
                Assert.Equal(expected.Finished, actual.Finished);
                Assert.Equal(expected.Baseline, actual.Baseline);
                Assert.Equal(expected.Best!.Value, actual.Best!.Value, 12);
                Assert.Equal(expected.BestExperimentId, actual.BestExperimentId);
                Assert.Equal(expected.BestSequence, actual.BestSequence);
            }
        }

        var empty = await db.Ledger.GetHeadlineAsync(TestData.NewCampaignId("none"), Metric(Direction.Minimize));
        Assert.Equal(new CampaignHeadline(0, null, null, null, null), empty);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task DigestsAreTheFullRecordsWithoutTheirText(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("digest");
        await db.Ledger.SaveExperimentsAsync(Mixed(campaign, 120, 3));
        var full = await db.Ledger.GetExperimentsAsync(campaign);
        var digests = await db.Ledger.GetExperimentDigestsAsync(campaign);
        Assert.Equal(full.Select(e => e.Id), digests.Select(e => e.Id));
        var heldOutTargets = full.Where(e => e.IsHoldout && e.RepeatOf is not null).Select(e => e.RepeatOf!).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(heldOutTargets);
        foreach (var (f, d) in full.Zip(digests))
        {
            // Everything that counts, the same; the text, empty.
            var expected = f with
            {
                Hypothesis = "", Reason = null, Diff = null, LogHead = "", LogTail = "", ImageId = null, ContainerId = null,
                Parameters = heldOutTargets.Contains(f.Id) ? f.Parameters : [], Metrics = [], EditedFiles = [], Notes = [],
            };
            Assert.Equal(Describe(expected), Describe(d));
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task WithoutLogsIsEverythingButLogsCurvesAndNotes(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("nologs");
        await db.Ledger.SaveExperimentsAsync(Mixed(campaign, 60, 5));
        var full = await db.Ledger.GetExperimentsAsync(campaign);
        var light = await db.Ledger.GetExperimentsWithoutLogsAsync(campaign);
        Assert.Equal(full.Select(e => Describe(e with { LogHead = "", LogTail = "", Metrics = [], Notes = [] })), light.Select(Describe));
        Assert.Contains(full, e => e.Diff is not null && e.EditedFiles.Count > 0);
        Assert.Equal(full.Select(e => e.Diff), light.Select(e => e.Diff));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task BulkSaveInsertsAndReplacesAndFindsByNumber(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("bulk");
        var experiments = Mixed(campaign, 2500, 4);
        await db.Ledger.SaveExperimentsAsync(experiments);
        var changed = experiments.Take(1200).Select(e => e with { Hypothesis = "changed", Objective = 1.5 }).ToList();
        await db.Ledger.SaveExperimentsAsync(changed);
        var all = await db.Ledger.GetExperimentsAsync(campaign);
        Assert.Equal(2500, all.Count);
        Assert.Equal(1200, all.Count(e => e.Hypothesis == "changed" && e.Objective == 1.5));
        var found = await db.Ledger.GetExperimentBySequenceAsync(campaign, 1800);
        Assert.Equal(experiments[1799].Id, found?.Id);
        Assert.Null(await db.Ledger.GetExperimentBySequenceAsync(campaign, 9999));
    }

    private static string Describe(ExperimentRecord e) =>
        $"{e.Id}|{e.AgentId}|{e.Sequence}|{e.ProposerName}|{e.Status}|{e.Failure}|{e.Kind}|{e.RepeatOf}|{e.Verdict}|{e.Objective}|{e.IsBaseline}|{e.Attempt}|" +
        $"{e.CpuSeconds}|{e.GpuSeconds}|{e.Tokens}|{e.QueuedAt:O}|{e.StartedAt:O}|{e.EndedAt:O}|{e.Origin}|{e.Hypothesis}|{e.Reason}|{e.Diff}|{e.LogHead}|" +
        $"{e.LogTail}|{string.Join(",", e.Parameters.OrderBy(p => p.Key))}|{e.Metrics.Count}|{e.EditedFiles.Count}|{e.Notes.Count}|{e.ImageId}|{e.ContainerId}";
}
