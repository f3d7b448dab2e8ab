using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

public sealed class LedgerConcurrencyTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    /// <summary>
    /// 8 writers × 50 experiments, each taking a sequence number, saving, re-saving (upsert) and journaling. Half the writers
    /// use a second, independent service provider (own context factory and connection pool), like a second process.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ConcurrentWritersLoseNothingAndNeverShareASequence(string backend)
    {
        const int writers = 8;
        const int perWriter = 50;
        await using var db = LedgerTestDatabase.Create(backend);
        await using var second = db.BuildIndependent();
        var campaign = TestData.NewCampaignId();

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var services = w % 2 == 0 ? db.Services : second;
            var ledger = services.GetRequiredService<ILedger>();
            var journal = services.GetRequiredService<IJournal>();
            var agent = $"agent-{w}";
            var sequences = new List<int>();
            for (var i = 0; i < perWriter; i++)
            {
                var sequence = await ledger.NextSequenceAsync(campaign);
                sequences.Add(sequence);
                var experiment = TestData.MinimalExperiment(campaign, sequence, agent);
                await ledger.SaveExperimentAsync(experiment);
                await ledger.SaveExperimentAsync(experiment with { Status = Abstractions.Experiments.ExperimentStatus.Succeeded, Objective = sequence });
                await journal.AppendAsync(TestData.Entry(campaign, $"{agent} {i}"));
            }

            return sequences;
        })).ToList();

        var all = (await Task.WhenAll(tasks)).SelectMany(s => s).ToList();

        Assert.Equal(writers * perWriter, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, writers * perWriter), all.Order());

        await db.ReopenAsync();
        var experiments = await db.Ledger.GetExperimentsAsync(campaign);
        Assert.Equal(writers * perWriter, experiments.Count);
        Assert.Equal(Enumerable.Range(1, writers * perWriter), experiments.Select(x => x.Sequence));
        Assert.All(experiments, x => Assert.Equal(x.Sequence, x.Objective));

        var entries = await db.Journal.ReadAsync(campaign);
        Assert.Equal(writers * perWriter, entries.Count);
        Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
        Assert.Equal(writers * perWriter, entries.Select(e => e.Id).Distinct().Count());
        for (var w = 0; w < writers; w++)
        {
            // Each writer's own entries are in the order it wrote them.
            var mine = entries.Where(e => e.Text.StartsWith($"agent-{w} ", StringComparison.Ordinal)).Select(e => e.Text).ToList();
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => $"agent-{w} {i}"), mine);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ConcurrentUpsertsOfOneIdLeaveExactlyOneRow(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        await using var second = db.BuildIndependent();
        var campaign = TestData.NewCampaignId();
        var experiment = TestData.MinimalExperiment(campaign, 1);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? db.Ledger : second.GetRequiredService<ILedger>())
                .SaveExperimentAsync(experiment with { Attempt = i }))));

        var only = Assert.Single(await db.Ledger.GetExperimentsAsync(campaign));
        Assert.InRange(only.Attempt, 0, 15);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ConcurrentFirstUseInitializesOnce(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var providers = Enumerable.Range(0, 4).Select(_ => db.BuildIndependent()).ToList();
        try
        {
            var campaign = TestData.NewCampaignId();
            var sequences = await Task.WhenAll(providers.Select(p => Task.Run(() => p.GetRequiredService<ILedger>().NextSequenceAsync(campaign))));
            Assert.Equal([1, 2, 3, 4], sequences.Order());
        }
        finally
        {
            foreach (var p in providers)
            {
                await p.DisposeAsync();
            }
        }
    }
}
