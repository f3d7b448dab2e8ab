using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Ledger.Tests;

public sealed class EfLedgerTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task FullyPopulatedExperimentRoundTripsEveryField(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        var expected = TestData.FullExperiment(campaign, 7);

        await db.Ledger.SaveExperimentAsync(expected);
        var actual = await db.Ledger.GetExperimentAsync(expected.Id);

        Assert.NotNull(actual);
        AssertSame(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task MinimalExperimentRoundTrips(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var expected = TestData.MinimalExperiment(TestData.NewCampaignId(), 1);

        await db.Ledger.SaveExperimentAsync(expected);

        AssertSame(expected, (await db.Ledger.GetExperimentAsync(expected.Id))!);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task SaveReplacesTheExperimentWithTheSameId(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        var queued = TestData.MinimalExperiment(campaign, 3);
        await db.Ledger.SaveExperimentAsync(queued);

        var finished = TestData.FullExperiment(campaign, 3) with { Id = queued.Id, Status = ExperimentStatus.Succeeded, Failure = FailureKind.None, Reason = null };
        await db.Ledger.SaveExperimentAsync(finished);
        var back = await db.Ledger.GetExperimentsAsync(campaign);

        var only = Assert.Single(back);
        AssertSame(finished, only);

        // And back to fewer fields: nothing of the richer version lingers.
        await db.Ledger.SaveExperimentAsync(queued);
        AssertSame(queued, (await db.Ledger.GetExperimentAsync(queued.Id))!);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ExperimentsComeBackOrderedBySequenceAndOnlyForTheirCampaign(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("a");
        var other = TestData.NewCampaignId("b");
        foreach (var sequence in new[] { 5, 1, 12, 3, 2, 10 })
        {
            await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(campaign, sequence, sequence % 2 == 0 ? "explorer-1" : "exploiter-1"));
        }

        await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(other, 4));

        var experiments = await db.Ledger.GetExperimentsAsync(campaign);

        Assert.Equal([1, 2, 3, 5, 10, 12], experiments.Select(x => x.Sequence));
        Assert.All(experiments, x => Assert.Equal(campaign, x.CampaignId));
        Assert.Single(await db.Ledger.GetExperimentsAsync(other));
        Assert.Empty(await db.Ledger.GetExperimentsAsync("no-such-campaign"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task MissingExperimentAndCampaignAreNull(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);

        Assert.Null(await db.Ledger.GetExperimentAsync("nope/agent/0001"));
        Assert.Null(await db.Ledger.GetCampaignAsync("nope"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task CampaignUpsertReplacesAndListReturnsAllOldestFirst(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var t0 = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(1));
        var later = TestData.Campaign(TestData.NewCampaignId("later"), t0.AddMinutes(5));
        var earlier = TestData.Campaign(TestData.NewCampaignId("earlier"), t0);
        await db.Ledger.UpsertCampaignAsync(later);
        await db.Ledger.UpsertCampaignAsync(earlier);

        var stopped = earlier with { State = CampaignState.Stopped, EndedAt = t0.AddHours(1), Reason = "stopped by alice" };
        await db.Ledger.UpsertCampaignAsync(stopped);

        var all = await db.Ledger.ListCampaignsAsync();
        Assert.Equal([earlier.Id, later.Id], all.Select(c => c.Id));

        var back = await db.Ledger.GetCampaignAsync(earlier.Id);
        Assert.NotNull(back);
        AssertSame(stopped, back);
        AssertSame(later, all[1]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task NextSequenceCountsPerCampaignFromOne(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var a = TestData.NewCampaignId("a");
        var b = TestData.NewCampaignId("b");

        Assert.Equal(1, await db.Ledger.NextSequenceAsync(a));
        Assert.Equal(2, await db.Ledger.NextSequenceAsync(a));
        Assert.Equal(1, await db.Ledger.NextSequenceAsync(b));
        Assert.Equal(3, await db.Ledger.NextSequenceAsync(a));

        await db.ReopenAsync();
        Assert.Equal(4, await db.Ledger.NextSequenceAsync(a));
        Assert.Equal(2, await db.Ledger.NextSequenceAsync(b));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task EverythingSurvivesDisposingAndReopening(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.Campaign(TestData.NewCampaignId(), DateTimeOffset.UtcNow);
        var experiment = TestData.FullExperiment(campaign.Id, 1);
        await db.Ledger.UpsertCampaignAsync(campaign);
        await db.Ledger.SaveExperimentAsync(experiment);
        var appended = await db.Journal.AppendAsync(TestData.Entry(campaign.Id, "first"));

        await db.ReopenAsync();

        AssertSame(campaign, (await db.Ledger.GetCampaignAsync(campaign.Id))!);
        AssertSame(experiment, Assert.Single(await db.Ledger.GetExperimentsAsync(campaign.Id)));
        var entry = Assert.Single(await db.Journal.ReadAsync(campaign.Id));
        Assert.Equal(appended, entry);
        var next = await db.Journal.AppendAsync(TestData.Entry(campaign.Id, "second"));
        Assert.True(next.Id > appended.Id);
    }

    internal static void AssertSame(ExperimentRecord expected, ExperimentRecord actual)
    {
        // Records compare dictionaries and lists by reference: compare those by content, the rest with record equality.
        Assert.Equal(expected.Parameters, actual.Parameters);
        Assert.Equal(expected.EditedFiles, actual.EditedFiles);
        Assert.Equal(expected.Metrics, actual.Metrics);
        Assert.Equal(expected.Notes, actual.Notes);
        Assert.Equal(expected with { Parameters = actual.Parameters, Metrics = actual.Metrics, EditedFiles = actual.EditedFiles, Notes = actual.Notes }, actual);

        // DateTimeOffset equality is by instant; check the instants to the tick.
        Assert.Equal(expected.QueuedAt.UtcTicks, actual.QueuedAt.UtcTicks);
        Assert.Equal(expected.StartedAt?.UtcTicks, actual.StartedAt?.UtcTicks);
        Assert.Equal(expected.EndedAt?.UtcTicks, actual.EndedAt?.UtcTicks);
        Assert.Equal(expected.Duration, actual.Duration);
    }

    internal static void AssertSame(CampaignRecord expected, CampaignRecord actual)
    {
        Assert.Equal(
            LedgerJson.Serialize(expected.Spec),
            LedgerJson.Serialize(actual.Spec));
        Assert.Equal(expected.Spec.Agents[0].Settings, actual.Spec.Agents[0].Settings);
        Assert.Equal(expected.Spec.Benchmark.Command, actual.Spec.Benchmark.Command);
        Assert.Equal(expected.Spec.Benchmark.Resources, actual.Spec.Benchmark.Resources);
        Assert.Equal(expected.Spec.Benchmark.Metric, actual.Spec.Benchmark.Metric);
        Assert.Equal(expected.Spec.Benchmark.TimeLimit, actual.Spec.Benchmark.TimeLimit);
        Assert.Equal(expected with { Spec = actual.Spec }, actual);
    }
}
