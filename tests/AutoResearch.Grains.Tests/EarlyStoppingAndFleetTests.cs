using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>Early stopping of hopeless runs with budget refunds, and GPU leases through the real fleet grain.</summary>
[Collection(ClusterCollection.Name)]
public sealed class EarlyStoppingAndFleetTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Hopeless_runs_are_stopped_early_by_the_median_rule_and_their_unused_budget_is_refunded()
    {
        // Each run reports 8 steps of value = final × (1 + 1/step): a run's curve ranks like its final value (Branin).
        var id = TestSpecs.UniqueId("prune");
        fixture.Sandbox.Script(id, request =>
        {
            var x1 = double.Parse(request.Parameters["x1"].Text, CultureInfo.InvariantCulture);
            var x2 = double.Parse(request.Parameters["x2"].Text, CultureInfo.InvariantCulture);
            var final = ScriptedSandboxRunner.Branin(x1, x2);
            var points = Enumerable.Range(1, 8).Select(step => new MetricPoint { Name = "value", Value = final * (1 + 1.0 / step), Step = step }).ToList();
            return new SandboxResult
            {
                Status = ExperimentStatus.Succeeded,
                ExitCode = 0,
                Objective = points[^1].Value,
                Metrics = points,
                StartedAt = default,
                EndedAt = default,
            };
        });
        var benchmark = TestSpecs.Branin() with
        {
            EarlyStopping = new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinStep = 2, MinRuns = 3 },
        };
        var spec = TestSpecs.Campaign("prune", maxExperiments: 30, proposers: ["random", "random"]) with { Benchmark = benchmark, Noise = NoiseSpec.Off };
        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(fixture.Grains, id);

        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        var pruned = experiments.Where(e => e.Status == ExperimentStatus.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.Equal(pruned.Count, status.Pruned);
        Assert.Equal(experiments.Count, status.Succeeded + status.Failed + status.Pruned);
        Assert.All(pruned, e =>
        {
            Assert.Equal(ExperimentKind.Proposal, e.Kind);
            Assert.Contains("median", e.Reason);
            Assert.InRange(e.Metrics.Count, 2, 8);
            Assert.Equal(e.Metrics[^1].Value, e.Objective);
            Assert.Equal(AcceptanceVerdict.NotJudged, e.Verdict);
        });
        // Pruned runs were worse than the median of earlier runs at the same step: none of them beats the best.
        Assert.All(pruned, e => Assert.True(e.Objective > status.Best, $"{e.Id} was pruned at {e.Objective} but the best is {status.Best}"));
        Assert.DoesNotContain(experiments, e => e.IsBaseline && e.Status == ExperimentStatus.Pruned);
        Assert.True(status.Agents.Sum(a => a.Pruned) == pruned.Count);
        Assert.True(status.Agents.Sum(a => a.Refunded.CpuSeconds) > 0);

        var journal = await fixture.Journal.ReadAsync(id);
        Assert.Equal(pruned.Count, journal.Count(j => j.Kind == JournalEntryKind.DeadEnd && j.Text.Contains("Stopped early", StringComparison.Ordinal)
            && j.Text.Contains("gave back", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Gpu_experiments_get_distinct_devices_and_never_share_one()
    {
        var id = TestSpecs.UniqueId("gpu");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(120); return null; });
        var benchmark = TestSpecs.Branin() with { Resources = new ResourceSpec { Gpus = 1 } };
        var spec = TestSpecs.Campaign("gpu", maxExperiments: 16, slots: 3, proposers: ["random", "random", "random"]) with { Benchmark = benchmark, Noise = NoiseSpec.Off };
        var conflictsBefore = fixture.Sandbox.GpuConflicts;

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(fixture.Grains, id);

        Assert.Equal(CampaignState.Completed, status.State);
        Assert.Equal(conflictsBefore, fixture.Sandbox.GpuConflicts);
        var seen = fixture.Sandbox.GpusSeen[id];
        Assert.Equal(16, seen.Count);
        Assert.Equal(ClusterFixture.GpuDeviceIds.Order(), seen.Distinct().Order());
        Assert.True(fixture.Sandbox.PeakConcurrency(id) <= ClusterFixture.GpuDeviceIds.Length,
            $"peak {fixture.Sandbox.PeakConcurrency(id)} GPU runs at once on {ClusterFixture.GpuDeviceIds.Length} GPUs");
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.All(experiments, e => Assert.True(e.GpuSeconds > 0, $"{e.Id} charged no GPU time"));
        Assert.Equal(experiments.Sum(e => e.GpuSeconds), status.Agents.Sum(a => a.GpuSecondsUsed), 6);
    }

    [Fact]
    public async Task A_run_needing_more_gpus_than_the_fleet_has_is_recorded_as_not_run()
    {
        var id = TestSpecs.UniqueId("toomany");
        var benchmark = TestSpecs.Branin() with { Resources = new ResourceSpec { Gpus = ClusterFixture.GpuDeviceIds.Length + 1 } };
        var spec = TestSpecs.Campaign("toomany", maxExperiments: 2, proposers: ["random"]) with { Benchmark = benchmark, Noise = NoiseSpec.Off };

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        await Waits.ForEndAsync(fixture.Grains, id);

        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.Equal(2, experiments.Count);
        Assert.All(experiments, e =>
        {
            Assert.Equal(FailureKind.NotRun, e.Failure);
            Assert.Contains("GPU", e.Reason, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(0, fixture.Sandbox.Runs(id));
    }
}
