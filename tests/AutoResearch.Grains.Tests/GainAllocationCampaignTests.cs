using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using Xunit.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// <c>allocation: gain</c> against <c>fair</c>: two agents share a night; the sandbox is scripted so that every run of one
/// agent ("finder") is a new best and no run of the other ("idler") ever is. Two slots and the idler listed first: it keeps two
/// experiments in flight and the finder one, so under fair the finder gets about a third of the turns, whatever the timing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GainAllocationCampaignTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Experiments = 60;

    [Fact]
    public async Task Under_gain_allocation_the_agent_that_finds_gains_gets_more_experiments_than_under_fair_and_the_other_keeps_its_floor()
    {
        var (fairFinder, fairIdler, _) = await RunAsync(AllocationPolicy.Fair);
        var (gainFinder, gainIdler, status) = await RunAsync(AllocationPolicy.Gain);
        output.WriteLine($"fair: finder {fairFinder}, idler {fairIdler}; gain: finder {gainFinder}, idler {gainIdler}; shares {string.Join(", ", status.AllocationShares.Select(s => $"{s.Key} {s.Value:P0}"))}");

        Assert.True(gainFinder > fairFinder, $"finder had {gainFinder} experiments under gain, {fairFinder} under fair (idler {gainIdler} vs {fairIdler})");
        Assert.True(gainFinder > gainIdler, $"under gain the finder had {gainFinder} experiments, the idler {gainIdler}");
        // The floor: half the fair share of the turns after the baseline, less the turns in flight when the shares moved.
        Assert.True(gainIdler >= (int)((Experiments - 1) * GainAllocation.FloorOfFairShare / 2) - 2, $"the idler was starved: {gainIdler} of {Experiments}");
        Assert.True(status.AllocationShares["finder-1"] > status.AllocationShares["idler-2"], string.Join(", ", status.AllocationShares));

        // Status read from the ledger alone (the CLI's `status`) gives the same bandit's shares from the same history.
        var record = (await fixture.Ledger.GetCampaignAsync(status.Id))!;
        var fromLedger = AutoResearch.Host.Hosting.LedgerCampaignStatus.From(record, await fixture.Ledger.GetExperimentsAsync(status.Id), 2, await fixture.Ledger.GetLeaderboardAsync(status.Id));
        Assert.True(fromLedger.AllocationShares["finder-1"] > fromLedger.AllocationShares["idler-2"], string.Join(", ", fromLedger.AllocationShares));

        var journal = await fixture.Journal.ReadAsync(status.Id);
        Assert.Contains(journal, j => j.Author == "system" && j.Text.StartsWith("Allocation by gain per cost shifted", StringComparison.Ordinal));
    }

    private async Task<(int Finder, int Idler, CampaignStatus Status)> RunAsync(AllocationPolicy allocation)
    {
        var id = TestSpecs.UniqueId($"alloc-{allocation.ToString().ToLowerInvariant()}");
        var spec = TestSpecs.Campaign("alloc", maxExperiments: Experiments, slots: 2) with
        {
            Noise = NoiseSpec.Off,
            Allocation = allocation,
            Agents =
            [
                new AgentSpec { Id = "idler-2", Role = "random", Proposer = "random", Seed = 2 },
                new AgentSpec { Id = "finder-1", Role = "random", Proposer = "random", Seed = 1 },
            ],
        };
        var found = 0;
        fixture.Sandbox.Script(id, request =>
        {
            var experiment = fixture.Ledger.GetExperimentAsync(request.ExperimentId).GetAwaiter().GetResult()
                ?? throw new InvalidOperationException($"experiment {request.ExperimentId} is not in the ledger");
            var value = experiment.IsBaseline ? 1000.0
                : experiment.AgentId == "finder-1" ? 1000.0 - 10 * Interlocked.Increment(ref found)
                : 5000.0;
            return new SandboxResult
            {
                Status = ExperimentStatus.Succeeded,
                ExitCode = 0,
                StartedAt = DateTimeOffset.UtcNow,
                EndedAt = DateTimeOffset.UtcNow,
                Objective = value,
                Metrics = [new MetricPoint { Name = "value", Value = value }],
                LogTail = $"METRIC value={value.ToString("R", CultureInfo.InvariantCulture)}",
            };
        });
        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(fixture.Grains, id, seconds: 120);
        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = (await fixture.Ledger.GetExperimentsAsync(id)).Where(e => !e.IsHoldout).ToList();
        Assert.Equal(Experiments, experiments.Count);
        return (experiments.Count(e => e.AgentId == "finder-1"), experiments.Count(e => e.AgentId == "idler-2"), status);
    }
}
