using AutoResearch.Abstractions.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

public sealed class EfJournalTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AppendAssignsIncreasingIdsAndKeepsEveryField(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        var at = new DateTimeOffset(2026, 11, 23, 9, 7, 0, TimeSpan.FromHours(3)).AddTicks(42);

        var first = await db.Journal.AppendAsync(TestData.Entry(campaign, "lr matters", JournalEntryKind.Hypothesis, "x/1") with { At = at });
        var second = await db.Journal.AppendAsync(TestData.Entry(campaign, "it did", JournalEntryKind.Result));
        var third = await db.Journal.AppendAsync(TestData.Entry(campaign, "dead end", JournalEntryKind.DeadEnd));

        Assert.True(first.Id > 0);
        Assert.True(second.Id > first.Id);
        Assert.True(third.Id > second.Id);

        var all = await db.Journal.ReadAsync(campaign);
        Assert.Equal([first, second, third], all);
        Assert.Equal(at.UtcTicks, all[0].At.UtcTicks);
        Assert.Equal("x/1", all[0].ExperimentId);
        Assert.Equal(JournalEntryKind.Hypothesis, all[0].Kind);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ReadAfterIdReturnsOnlyNewerEntriesOfThatCampaign(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId("a");
        var other = TestData.NewCampaignId("b");
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await db.Journal.AppendAsync(TestData.Entry(campaign, $"entry {i}"))).Id);
            await db.Journal.AppendAsync(TestData.Entry(other, $"other {i}"));
        }

        Assert.Equal(ids.Skip(3), (await db.Journal.ReadAsync(campaign, ids[2])).Select(e => e.Id));
        Assert.Empty(await db.Journal.ReadAsync(campaign, ids[^1]));
        Assert.Equal(6, (await db.Journal.ReadAsync(campaign, 0)).Count);
        Assert.All(await db.Journal.ReadAsync(other), e => Assert.Equal(other, e.CampaignId));
        Assert.Empty(await db.Journal.ReadAsync("no-such-campaign"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task EntriesNeverChange(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        var original = TestData.Entry(campaign, "original");
        var appended = await db.Journal.AppendAsync(original);
        var before = await db.Journal.ReadAsync(campaign);

        // Appending an entry that carries an id does not overwrite that id: it gets a new one.
        var again = await db.Journal.AppendAsync(original with { Id = appended.Id, Text = "rewritten" });
        Assert.NotEqual(appended.Id, again.Id);

        var after = await db.Journal.ReadAsync(campaign);
        Assert.Equal(before[0], after[0]);
        Assert.Equal("original", after[0].Text);
        Assert.Equal(2, after.Count);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task TheContextRefusesToUpdateOrDeleteJournalRows(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        await db.Journal.AppendAsync(TestData.Entry(campaign, "keep me"));
        var factory = db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>();

        await using (var context = await factory.CreateDbContextAsync())
        {
            var row = await context.Journal.SingleAsync(j => j.CampaignId == campaign);
            row.Text = "changed";
            await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        }

        await using (var context = await factory.CreateDbContextAsync())
        {
            context.Journal.Remove(await context.Journal.SingleAsync(j => j.CampaignId == campaign));
            Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
        }

        Assert.Equal("keep me", Assert.Single(await db.Journal.ReadAsync(campaign)).Text);
    }

    [Fact]
    public void TheJournalHasNoUpdateOrDeleteApi()
    {
        var names = typeof(EfJournal).GetMethods().Select(m => m.Name).ToList();
        Assert.DoesNotContain(names, n => n.Contains("Update", StringComparison.Ordinal) || n.Contains("Delete", StringComparison.Ordinal) || n.Contains("Remove", StringComparison.Ordinal));
    }
}
