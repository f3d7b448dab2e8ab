using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>Held-out re-validation's orchestration with the scripted sandbox: re-validation on each new best, and a budget that cannot cover it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HoldoutGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task With_on_new_best_each_accepted_best_is_re_validated_as_soon_as_it_is_accepted()
    {
        var id = TestSpecs.UniqueId("onbest");
        // Held-out scores are the tuning score + 100: every result keeps its order, none beats the baseline by luck.
        fixture.Sandbox.Script(id, request => request.Split == EvaluationSplit.Holdout ? Result(Branin(request) + 100) : null);
        var spec = TestSpecs.Campaign("onbest", maxExperiments: 10, slots: 1, proposers: ["random"]) with
        {
            Benchmark = TestSpecs.Branin() with { Holdout = new HoldoutSpec { Repeats = 2 } },
            Noise = NoiseSpec.Off,
            Holdout = new HoldoutPolicy { TopK = 0, OnNewBest = true },
        };

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(fixture.Grains, id);

        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        var board = await fixture.Grains.GetGrain<ICampaignGrain>(id).GetLeaderboard();
        var accepted = board.History.Skip(1).Select(e => e.ExperimentId).ToList();
        Assert.NotEmpty(accepted);
        Assert.Equal(10, experiments.Count(e => !e.IsHoldout));
        Assert.Equal(10, status.Launched);
        var baseline = experiments.Single(e => e.Kind == ExperimentKind.Baseline);
        // The baseline and every accepted best: two held-out runs each, nothing else.
        Assert.Equal(accepted.Append(baseline.Id).Order(StringComparer.Ordinal), experiments.Where(e => e.IsHoldout).Select(e => e.RepeatOf!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(experiments.Where(e => e.IsHoldout).GroupBy(e => e.RepeatOf), g => Assert.Equal(2, g.Count()));
        // Re-validated while the search went on: the first best's held-out runs came before later proposals.
        var firstHeldOut = experiments.Where(e => e.IsHoldout && e.RepeatOf == accepted[0]).Min(e => e.Sequence);
        Assert.Contains(experiments, e => e.Kind == ExperimentKind.Proposal && e.Sequence > firstHeldOut);
        Assert.All(experiments.Where(e => e.IsHoldout), e => Assert.Equal(Branin(e) + 100, e.Objective!.Value, 9));
        Assert.All(status.Holdout.Results, r => Assert.Equal(HoldoutVerdict.HeldUp, r.Verdict));
        Assert.Equal(status.Holdout.Results[0].ExperimentId, status.BestExperimentId);
        Assert.Equal(status.BestExperimentId, status.Holdout.FinalAnswerId);
    }

    [Fact]
    public async Task A_budget_that_cannot_cover_the_held_out_runs_is_said_and_the_campaign_still_completes()
    {
        var id = TestSpecs.UniqueId("nobudget");
        // The baseline scores 10 at once; the one proposal scores 5 (accepted: it and the baseline are to be re-validated) after 300 ms.
        fixture.Sandbox.Script(id, request =>
        {
            if (request.Parameters["x1"].Text == "0" && request.Parameters["x2"].Text == "0") return Result(10);
            Thread.Sleep(300);
            return Result(5);
        });
        var spec = TestSpecs.Campaign("nobudget", maxExperiments: 2, slots: 1, proposers: ["random"]) with
        {
            // One run reserves its worst case, (1 s + 5 s grace) × 1000 CPUs = 6000 CPU-s. The baseline uses about 40-100 CPU-s
            // (its 40 ms × 1000 CPUs), so the proposal fits the budget of 6150; the proposal uses over 340 more, so no
            // held-out run fits after it.
            Benchmark = TestSpecs.Branin(TimeSpan.FromSeconds(1)) with
            {
                Holdout = new HoldoutSpec(),
                Resources = new ResourceSpec { Cpus = 1000 },
            },
            Noise = NoiseSpec.Off,
            Budget = new BudgetSpec { CpuSeconds = 6150 },
        };

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(fixture.Grains, id);

        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.DoesNotContain(experiments, e => e.IsHoldout);
        Assert.True(status.Holdout.IsEmpty);
        var journal = await fixture.Journal.ReadAsync(id);
        Assert.Equal(2, experiments.Count);
        Assert.Contains(journal, j => j.Text.StartsWith("Held-out re-validation: the search is over; re-running the baseline, #1", StringComparison.Ordinal)
                                      && j.Text.Contains("may not cover all 4 runs", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Text.StartsWith("Held-out re-validation incomplete: 4 held-out run(s) were not run because the campaign budget cannot cover another run", StringComparison.Ordinal));
    }

    private static double Branin(SandboxRequest request) => Branin(request.Parameters);

    private static double Branin(ExperimentRecord e) => Branin(e.Parameters);

    private static double Branin(AutoResearch.Abstractions.Parameters.ParameterSet p) => ScriptedSandboxRunner.Branin(p["x1"].AsNumber, p["x2"].AsNumber);

    private static SandboxResult Result(double value) => new()
    {
        Status = ExperimentStatus.Succeeded,
        ExitCode = 0,
        Objective = value,
        Metrics = [new MetricPoint { Name = "value", Value = value }],
        StartedAt = default,
        EndedAt = default,
    };
}
