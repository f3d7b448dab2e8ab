using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

/// <summary>Parameter importance on synthetic campaigns where one parameter matters and the others do not.</summary>
public sealed class ParameterImportanceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    private static readonly List<ParameterSpec> Parameters =
    [
        new() { Name = "lr", Type = ParameterType.Float, Min = 1e-4, Max = 1e-1, Log = true, Default = "0.1" },
        new() { Name = "depth", Type = ParameterType.Int, Min = 1, Max = 8, Default = "3" },
        new() { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "tanh", "gelu"], Default = "relu" },
    ];

    /// <summary>Only the learning rate matters: the loss is a bowl in log10(lr) around 10^-2.5, plus a little noise.</summary>
    private static double Loss(double lr, Random noise) => Math.Pow(Math.Log10(lr) + 2.5, 2) + noise.NextDouble() * 0.05;

    private static ExperimentRecord Run(int sequence, double lr, int depth, string activation, double objective,
        ExperimentStatus status = ExperimentStatus.Succeeded, ExperimentKind kind = ExperimentKind.Proposal) => new()
    {
        Id = $"c/{sequence}", CampaignId = "c", AgentId = "a", Sequence = sequence, ProposerName = "t", Kind = kind,
        IsBaseline = kind == ExperimentKind.Baseline, Status = status, Objective = objective, QueuedAt = T0.AddMinutes(sequence),
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>()
        {
            ["lr"] = lr.ToString("R", CultureInfo.InvariantCulture),
            ["depth"] = depth.ToString(CultureInfo.InvariantCulture),
            ["activation"] = activation,
        }),
    };

    private static List<ExperimentRecord> RandomSearch(int count, int seed)
    {
        var random = new Random(seed);
        var runs = new List<ExperimentRecord> { Run(0, 0.1, 3, "relu", Loss(0.1, random), kind: ExperimentKind.Baseline) };
        for (var i = 1; i < count; i++)
        {
            var lr = Math.Pow(10, -4 + 3 * random.NextDouble());
            runs.Add(Run(i, lr, random.Next(1, 9), Parameters[2].Choices[random.Next(3)], Loss(lr, random)));
        }
        return runs;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_one_parameter_that_matters_comes_first_with_an_interval_clear_of_the_others(int seed)
    {
        var report = ParameterImportance.Compute(Parameters, RandomSearch(60, seed), Direction.Minimize);

        Assert.Equal(60, report.Samples);
        Assert.Equal(ParameterImportance.DefaultResamples, report.Resamples);
        Assert.Equal("lr", report.Parameters[0].Name);
        var lr = report.Parameters[0];
        Assert.True(lr.Importance > 0.6, $"lr explains {lr.Importance:0.000}");
        Assert.True(lr.Low <= lr.Importance && lr.Importance <= lr.High, $"lr {lr.Importance} outside [{lr.Low}, {lr.High}]");
        Assert.True(lr.Mattered);
        Assert.Equal(ParameterImportance.MaxBins, lr.Levels);
        foreach (var other in report.Parameters.Skip(1))
        {
            Assert.True(other.Importance < 0.1, $"{other.Name} explains {other.Importance:0.000}");
            Assert.False(other.Mattered, $"{other.Name} said to matter: [{other.Low:0.000}, {other.High:0.000}]");
            Assert.True(other.High < lr.Low, $"{other.Name}'s interval [{other.Low:0.000}, {other.High:0.000}] reaches lr's [{lr.Low:0.000}, {lr.High:0.000}]");
        }
        Assert.Equal(3, report.Parameters.Single(p => p.Name == "activation").Levels);
    }

    [Fact]
    public void Failures_held_out_runs_and_a_diverged_outlier_do_not_decide_it()
    {
        var runs = RandomSearch(50, 7);
        // A diverged run with a huge loss at an irrelevant depth, failures, and held-out runs with absurd scores.
        runs.Add(Run(50, 0.003, 8, "tanh", 1e9));
        runs.Add(Run(51, 0.003, 1, "gelu", 0, ExperimentStatus.Failed));
        runs.Add(Run(52, 0.1, 1, "gelu", -1e9, kind: ExperimentKind.Holdout));
        var report = ParameterImportance.Compute(Parameters, runs, Direction.Minimize);
        Assert.Equal(51, report.Samples);
        Assert.Equal("lr", report.Parameters[0].Name);
        Assert.False(report.Parameters.Single(p => p.Name == "depth").Mattered);
    }

    [Fact]
    public void A_large_campaign_is_sampled_to_bound_the_cost_and_still_finds_the_parameter()
    {
        var runs = RandomSearch(20_000, 9);
        var report = ParameterImportance.Compute(Parameters, runs, Direction.Minimize);
        // The fastest of three (after the first, which includes compiling): what a page waits for on a quiet machine.
        var fastest = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            ParameterImportance.Compute(Parameters, runs, Direction.Minimize);
            fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
        }
        Assert.Equal(ParameterImportance.MaxSamples, report.Samples);
        Assert.Equal(20_000, report.Results);
        Assert.Equal("lr", report.Parameters[0].Name);
        Assert.True(report.Parameters[0].Mattered);
        Assert.All(report.Parameters.Skip(1), p => Assert.False(p.Mattered, p.Name));
        Assert.True(fastest < TimeSpan.FromSeconds(5), $"took {fastest.TotalMilliseconds:0} ms");
        Console.WriteLine($"importance of 20000 results: {fastest.TotalMilliseconds:0} ms");
    }

    [Fact]
    public void Too_few_results_give_no_estimate_rather_than_a_guess()
    {
        var report = ParameterImportance.Compute(Parameters, RandomSearch(ParameterImportance.MinSamples - 1, 1), Direction.Minimize);
        Assert.All(report.Parameters, p => Assert.Null(p.Importance));
        Assert.All(report.Parameters, p => Assert.False(p.Mattered));
        Assert.Equal(0, report.Resamples);
    }

    [Fact]
    public void Ablations_of_the_best_say_which_change_carried_the_improvement_within_the_noise()
    {
        var runs = RandomSearch(30, 4);
        // The best: lr at the bowl's bottom, depth and activation changed too. Its ablations (what the ablation agent runs):
        // lr reverted to 0.1 (much worse), depth reverted to 3 (the same within noise), twice.
        var best = Run(40, 0.0031622776601683794, 6, "gelu", 0.001);
        runs.Add(best);
        runs.Add(Run(41, 0.1, 6, "gelu", 2.26));
        runs.Add(Run(42, 0.0031622776601683794, 3, "gelu", 0.012));
        runs.Add(Run(43, 0.0031622776601683794, 3, "gelu", -0.004) with { Kind = ExperimentKind.Repeat, RepeatOf = "c/42" });
        // Not an ablation: two parameters differ from the best.
        runs.Add(Run(44, 0.1, 3, "gelu", 5));
        var facts = new BestFact { ExperimentId = best.Id, Sequence = 40, Value = 0.001, Runs = 1, Accepted = true };
        var noise = new NoiseSummary { StdDev = 0.01, Runs = 3 };

        var report = ParameterImportance.Compute(Parameters, runs, Direction.Minimize, facts, noise);

        var lr = report.Parameters.Single(p => p.Name == "lr").Ablation!;
        Assert.Equal("0.0031622776601683794", lr.BestValue);
        Assert.Equal("0.1", lr.RevertedTo);
        Assert.Equal([41], lr.AblationSequences);
        Assert.Equal(2.259, lr.Loss, 9);
        Assert.True(lr.Mattered);
        var depth = report.Parameters.Single(p => p.Name == "depth").Ablation!;
        Assert.Equal([42, 43], depth.AblationSequences);
        Assert.Equal(0.004 - 0.001, depth.Loss, 9);
        // ±1.645 × 0.01 × √(1/2 + 1/1): the interval straddles zero.
        Assert.Equal(depth.Loss - 1.6448536269514722 * 0.01 * Math.Sqrt(1.5), depth.Low!.Value, 9);
        Assert.False(depth.Mattered);
        // No run reverted only the activation.
        Assert.Null(report.Parameters.Single(p => p.Name == "activation").Ablation);

        // Maximizing, a lower reverted score is the loss; without a noise estimate the repeats' spread is used.
        var maximize = ParameterImportance.Compute(Parameters, runs, Direction.Maximize, facts);
        Assert.Equal(0.001 - 0.004, maximize.Parameters.Single(p => p.Name == "depth").Ablation!.Loss, 9);
        Assert.NotNull(maximize.Parameters.Single(p => p.Name == "depth").Ablation!.Low);
        Assert.Null(maximize.Parameters.Single(p => p.Name == "lr").Ablation!.Mattered);
    }

    [Fact]
    public void Levels_keep_equal_values_together_and_ranks_share_ties()
    {
        Assert.Equal([1, 2.5, 2.5, 4], ParameterImportance.Ranks([1, 5, 5, 9]));
        var x = Enumerable.Range(0, 40).Select(i => (double)(i / 10)).ToArray(); // four values, ten each
        var levels = ParameterImportance.Levels(x, categorical: false);
        Assert.Equal(4, levels.Distinct().Count());
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(levels[i / 10 * 10], levels[i]));
        Assert.Null(ParameterImportance.EpsilonSquared([1, 1, 1, 1], [1, 2, 3, 4], categorical: true));
        Assert.Equal(1.0, ParameterImportance.EpsilonSquared([0, 0, 1, 1], [1, 1, 5, 5], categorical: true));
        Assert.Throws<ArgumentException>(() => ParameterImportance.EpsilonSquared([0, 1], [1], categorical: true));
    }
}
