using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Grains.Tests;

/// <summary>The held-out projection (ranking, the typed "did not hold up" flag, the final answer) and the re-validation queue.</summary>
public sealed class HoldoutRankingTests
{
    private static readonly MetricSpec Loss = new() { Name = "loss", Direction = Direction.Minimize };
    private static readonly MetricSpec Accuracy = new() { Name = "accuracy", Direction = Direction.Maximize };
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private static ExperimentRecord Run(int sequence, ExperimentKind kind, double? objective, string? of = null, string recipe = "default",
        ExperimentStatus status = ExperimentStatus.Succeeded) => new()
    {
        Id = $"c/{sequence:D4}",
        CampaignId = "c",
        AgentId = "a",
        Sequence = sequence,
        ProposerName = "test",
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["recipe"] = recipe }),
        Kind = kind,
        IsBaseline = kind == ExperimentKind.Baseline,
        RepeatOf = of,
        Status = status,
        Objective = objective,
        QueuedAt = T0.AddSeconds(sequence),
    };

    /// <summary>Baseline 1.0 (held-out 1.0), honest 0.8 (held-out 0.8), lucky 0.5 in-sample but 1.3 held out.</summary>
    private static List<ExperimentRecord> LuckySplit() =>
    [
        Run(0, ExperimentKind.Baseline, 1.0),
        Run(1, ExperimentKind.Repeat, 1.02, of: "c/0000"),
        Run(2, ExperimentKind.Proposal, 0.8, recipe: "honest"),
        Run(3, ExperimentKind.Proposal, 0.5, recipe: "lucky"),
        Run(4, ExperimentKind.Holdout, 1.01, of: "c/0000"),
        Run(5, ExperimentKind.Holdout, 0.99, of: "c/0000"),
        Run(6, ExperimentKind.Holdout, 1.31, of: "c/0003", recipe: "lucky"),
        Run(7, ExperimentKind.Holdout, 1.29, of: "c/0003", recipe: "lucky"),
        Run(8, ExperimentKind.Holdout, 0.79, of: "c/0002", recipe: "honest"),
        Run(9, ExperimentKind.Holdout, 0.81, of: "c/0002", recipe: "honest"),
    ];

    [Fact]
    public void The_lucky_best_is_flagged_and_the_final_answer_is_ranked_by_held_out()
    {
        var summary = HoldoutSummaries.From(LuckySplit(), Loss);

        Assert.Equal(["c/0002", "c/0003"], summary.Results.Select(r => r.ExperimentId));
        var honest = summary.Results[0];
        var lucky = summary.Results[1];
        Assert.Equal((1, HoldoutVerdict.HeldUp, false), (honest.Rank!.Value, honest.Verdict, honest.DidNotHoldUp));
        Assert.Equal((2, HoldoutVerdict.DidNotHoldUp, true), (lucky.Rank!.Value, lucky.Verdict, lucky.DidNotHoldUp));
        Assert.Equal(0.5, lucky.InSample!.Value, 9);
        Assert.Equal(1.30, lucky.HeldOut!.Value, 9);
        Assert.Equal(0.8, lucky.Gap!.Value, 9);
        Assert.Equal(2, lucky.HeldOutRuns);
        Assert.NotNull(lucky.HeldOutStdDev);
        Assert.Equal("c/0002", summary.FinalAnswerId);
        Assert.Same(honest, summary.FinalAnswer);

        var baseline = summary.Baseline!;
        Assert.Equal(HoldoutVerdict.Baseline, baseline.Verdict);
        Assert.Null(baseline.Rank);
        Assert.Equal(1.01, baseline.InSample!.Value, 9); // the baseline and its repeat, not its held-out runs
        Assert.Equal(2, baseline.InSampleRuns);
        Assert.Equal(1.0, baseline.HeldOut!.Value, 9);
        Assert.True(summary.IsComplete);
        Assert.Equal(6, summary.Runs);
        Assert.Same(baseline, summary.For("c/0000"));
    }

    [Fact]
    public void Equal_to_the_baseline_on_held_out_did_not_hold_up_and_nothing_held_up_means_no_final_answer()
    {
        var experiments = LuckySplit().Where(e => e.RepeatOf != "c/0002").ToList();
        experiments.Add(Run(10, ExperimentKind.Holdout, 1.0, of: "c/0002"));
        var summary = HoldoutSummaries.From(experiments, Loss);

        Assert.All(summary.Results, r => Assert.Equal(HoldoutVerdict.DidNotHoldUp, r.Verdict));
        Assert.Null(summary.FinalAnswerId);
        Assert.Null(summary.FinalAnswer);
    }

    [Fact]
    public void Maximized_metrics_rank_the_highest_held_out_first()
    {
        var experiments = new List<ExperimentRecord>
        {
            Run(0, ExperimentKind.Baseline, 0.90),
            Run(1, ExperimentKind.Proposal, 0.99),
            Run(2, ExperimentKind.Proposal, 0.95),
            Run(3, ExperimentKind.Holdout, 0.80, of: "c/0000"),
            Run(4, ExperimentKind.Holdout, 0.79, of: "c/0001"),
            Run(5, ExperimentKind.Holdout, 0.85, of: "c/0002"),
        };
        var summary = HoldoutSummaries.From(experiments, Accuracy);

        Assert.Equal(["c/0002", "c/0001"], summary.Results.Select(r => r.ExperimentId));
        Assert.Equal([HoldoutVerdict.HeldUp, HoldoutVerdict.DidNotHoldUp], summary.Results.Select(r => r.Verdict));
        Assert.Equal("c/0002", summary.FinalAnswerId);
    }

    /// <summary>Baseline held-out 1.0 ± 0.1 (two runs); <paramref name="heldOut"/> are the candidate's held-out runs.</summary>
    private static List<ExperimentRecord> AgainstNoisyBaseline(params double[] heldOut)
    {
        var runs = new List<ExperimentRecord>
        {
            Run(0, ExperimentKind.Baseline, 1.0),
            Run(1, ExperimentKind.Proposal, 0.5, recipe: "candidate"),
            Run(2, ExperimentKind.Holdout, 0.93, of: "c/0000"),
            Run(3, ExperimentKind.Holdout, 1.07, of: "c/0000"),
        };
        runs.AddRange(heldOut.Select((v, i) => Run(10 + i, ExperimentKind.Holdout, v, of: "c/0001", recipe: "candidate")));
        return runs;
    }

    [Fact]
    public void A_held_out_gain_inside_the_held_out_noise_is_within_noise_not_held_up()
    {
        var summary = HoldoutSummaries.From(AgainstNoisyBaseline(0.90, 1.04), Loss);
        var result = summary.For("c/0001")!;

        Assert.Equal(HoldoutVerdict.WithinNoise, result.Verdict);
        Assert.False(result.DidNotHoldUp);
        Assert.InRange(result.Confidence!.Value, 0.5, 0.95);
        // Better on average than the baseline, so still the answer when nothing held up, with its verdict beside it.
        Assert.Equal("c/0001", summary.FinalAnswerId);

        var clear = HoldoutSummaries.From(AgainstNoisyBaseline(0.60, 0.62, 0.58), Loss).For("c/0001")!;
        Assert.Equal(HoldoutVerdict.HeldUp, clear.Verdict);
        Assert.True(clear.Confidence > HoldoutSummaries.RequiredConfidence);
    }

    [Fact]
    public void A_result_that_held_up_is_the_answer_before_a_better_mean_within_noise()
    {
        var experiments = AgainstNoisyBaseline(0.80, 0.81, 0.79);
        experiments.Add(Run(20, ExperimentKind.Proposal, 0.4, recipe: "wild"));
        experiments.Add(Run(21, ExperimentKind.Holdout, 0.10, of: "c/0020", recipe: "wild"));
        experiments.Add(Run(22, ExperimentKind.Holdout, 1.40, of: "c/0020", recipe: "wild"));
        var summary = HoldoutSummaries.From(experiments, Loss);

        Assert.Equal(["c/0020", "c/0001"], summary.Results.Select(r => r.ExperimentId)); // ranked by held-out mean
        Assert.Equal([HoldoutVerdict.WithinNoise, HoldoutVerdict.HeldUp], summary.Results.Select(r => r.Verdict));
        Assert.Equal("c/0001", summary.FinalAnswerId);
    }

    [Fact]
    public void A_deterministic_held_out_evaluation_counts_any_strict_gain()
    {
        var experiments = new List<ExperimentRecord>
        {
            Run(0, ExperimentKind.Baseline, 0.30),
            Run(1, ExperimentKind.Proposal, 0.20),
            Run(2, ExperimentKind.Holdout, 0.25, of: "c/0000"),
            Run(3, ExperimentKind.Holdout, 0.25, of: "c/0000"),
            Run(4, ExperimentKind.Holdout, 0.249, of: "c/0001"),
            Run(5, ExperimentKind.Holdout, 0.249, of: "c/0001"),
        };
        var result = HoldoutSummaries.From(experiments, Loss).For("c/0001")!;
        Assert.Equal((HoldoutVerdict.HeldUp, (double?)1.0), (result.Verdict, result.Confidence));
    }

    [Fact]
    public void Held_up_is_calibrated_when_nothing_really_changed_and_finds_a_real_gain()
    {
        // Candidate and baseline held-out runs drawn from the same distribution: "held up" at most ~5 % of the time.
        var random = new Random(20261205);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        int heldUp = 0, found = 0;
        const int Campaigns = 4000;
        for (var c = 0; c < Campaigns; c++)
        {
            foreach (var gain in new[] { 0.0, 4.0 })
            {
                var runs = new List<ExperimentRecord> { Run(0, ExperimentKind.Baseline, 0), Run(1, ExperimentKind.Proposal, -1) };
                for (var k = 0; k < 3; k++)
                {
                    runs.Add(Run(10 + k, ExperimentKind.Holdout, Gauss(), of: "c/0000"));
                    runs.Add(Run(20 + k, ExperimentKind.Holdout, Gauss() - gain, of: "c/0001"));
                }
                var verdict = HoldoutSummaries.From(runs, Loss).For("c/0001")!.Verdict;
                if (verdict == HoldoutVerdict.HeldUp) { if (gain == 0) heldUp++; else found++; }
            }
        }
        Assert.InRange(heldUp / (double)Campaigns, 0.02, 0.065);
        Assert.True(found / (double)Campaigns > 0.75, $"a 4 sigma held-out gain was found in only {found} of {Campaigns} campaigns");
    }

    [Fact]
    public void Pending_failed_and_unreferenced_results_get_their_own_verdicts()
    {
        var running = LuckySplit();
        running[^1] = running[^1] with { Status = ExperimentStatus.Running, Objective = null };
        var pending = HoldoutSummaries.From(running, Loss);
        Assert.Equal(HoldoutVerdict.Pending, pending.For("c/0002")!.Verdict);
        Assert.Equal(1, pending.For("c/0002")!.HeldOutUnfinished);
        Assert.False(pending.IsComplete);

        var failed = LuckySplit().Select(e => e.RepeatOf == "c/0002" && e.IsHoldout ? e with { Status = ExperimentStatus.Failed, Objective = null } : e).ToList();
        var noScore = HoldoutSummaries.From(failed, Loss).For("c/0002")!;
        Assert.Equal((HoldoutVerdict.NoScore, 2, (int?)null), (noScore.Verdict, noScore.HeldOutFailed, noScore.Rank));
        Assert.Equal("c/0002", HoldoutSummaries.From(failed, Loss).Results[^1].ExperimentId); // unscored results rank last

        var noBaseline = LuckySplit().Where(e => !(e.IsHoldout && e.RepeatOf == "c/0000")).ToList();
        var unreferenced = HoldoutSummaries.From(noBaseline, Loss);
        Assert.Null(unreferenced.Baseline);
        Assert.All(unreferenced.Results, r => Assert.Equal(HoldoutVerdict.NoReference, r.Verdict));
        Assert.Null(unreferenced.FinalAnswerId);
    }

    [Fact]
    public void Held_out_runs_never_count_as_tuning_results()
    {
        var experiments = LuckySplit();
        var heldOut = experiments.Where(e => e.IsHoldout).ToList();
        Assert.All(heldOut, e => Assert.False(e.HasUsableObjective));
        Assert.All(heldOut, e => Assert.True(e.HasHeldOutObjective));
        // A held-out score better than every tuning score is still not a best.
        experiments.Add(Run(11, ExperimentKind.Holdout, 0.01, of: "c/0003"));
        Assert.Equal("c/0003", Loss.BestOf(experiments)!.Id);
        Assert.True(HoldoutSummaries.From([Run(0, ExperimentKind.Baseline, 1.0)], Loss).IsEmpty);
    }

    [Fact]
    public void The_end_re_validates_the_baseline_and_the_top_k_accepted_results_by_in_sample_mean()
    {
        var experiments = LuckySplit().Where(e => !e.IsHoldout).ToList();
        experiments.Add(Run(12, ExperimentKind.Proposal, 0.7, recipe: "other"));
        experiments.Add(Run(13, ExperimentKind.Repeat, 0.4, of: "c/0002")); // honest's mean becomes 0.6
        var accepted = new[] { "c/0000", "c/0002", "c/0003", "c/0012" }
            .Select((id, i) => new LeaderboardEntry { CampaignId = "c", Index = i, ExperimentId = id, Sequence = i, AgentId = "a", Objective = 0, AcceptedAt = T0 })
            .ToList();

        var targets = HoldoutRevalidation.FinalTargets(experiments, accepted, Loss, topK: 2);
        Assert.Equal(["c/0000", "c/0003", "c/0002"], targets.Select(t => t.Id));
        Assert.Empty(HoldoutRevalidation.FinalTargets(experiments, accepted, Loss, topK: 0));
        Assert.Empty(HoldoutRevalidation.FinalTargets(experiments, accepted.Take(1).ToList(), Loss, topK: 3)); // only the baseline was accepted
    }

    [Fact]
    public void The_queue_launches_the_baseline_first_each_target_its_repeats_and_is_rebuilt_from_the_ledger()
    {
        var benchmark = TestSpecs.Branin() with { Holdout = new HoldoutSpec { Repeats = 2 } };
        var queue = new HoldoutRevalidation(benchmark, new HoldoutPolicy());
        var all = LuckySplit();
        Assert.True(queue.Add(all[3]));
        Assert.True(queue.Add(all[0]));
        Assert.False(queue.Add(all[3]));
        Assert.Equal(4, queue.Queued);
        Assert.Equal(["c/0000", "c/0000", "c/0003", "c/0003"], Enumerable.Range(0, 4).Select(_ => queue.Take()!.Id));
        Assert.Null(queue.Take());
        Assert.Equal((0, 4), (queue.Queued, queue.Launched));

        var restored = new HoldoutRevalidation(benchmark, new HoldoutPolicy());
        restored.Restore(all.Take(7).ToList()); // two held-out runs of the baseline, one of #3
        Assert.Equal((3, 3, 1), (restored.Launched, restored.Finished, restored.Queued));
        Assert.Equal("c/0003", restored.Take()!.Id);
        Assert.True(restored.Add(all[2]));
        Assert.Equal(2, restored.DropQueued());
        Assert.Null(restored.Take());

        Assert.False(new HoldoutRevalidation(TestSpecs.Branin(), new HoldoutPolicy()).Enabled);
        Assert.False(new HoldoutRevalidation(benchmark, HoldoutPolicy.Off).Enabled);
        Assert.False(new HoldoutRevalidation(benchmark, HoldoutPolicy.Off).Add(all[0]));
    }
}
