using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

public sealed class EarlyStopperTests
{
    private static readonly MetricSpec Loss = new() { Name = "loss", Direction = Direction.Minimize };
    private static readonly MetricSpec Accuracy = new() { Name = "acc", Direction = Direction.Maximize };

    /// <summary>A curve decaying towards <paramref name="final"/>: value(step) = final + 1/step.</summary>
    private static List<MetricPoint> Curve(double final, int steps, string name = "loss") =>
        Enumerable.Range(1, steps).Select(s => new MetricPoint { Name = name, Value = final + 1.0 / s, Step = s }).ToList();

    private static string? Feed(RunMonitor monitor, IEnumerable<MetricPoint> points, out int stoppedAt)
    {
        stoppedAt = -1;
        foreach (var p in points)
        {
            if (monitor.Observe(p) is { } reason)
            {
                stoppedAt = (int)p.Step!.Value;
                return reason;
            }
        }
        return null;
    }

    [Fact]
    public void Median_rule_stops_a_run_worse_than_the_median_of_earlier_runs_after_the_grace_period()
    {
        var earlier = new[] { Curve(0.1, 10), Curve(0.2, 10), Curve(0.3, 10) };
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinStep = 3, MinRuns = 3 }, Loss, earlier);

        var reason = Feed(stopper.CreateMonitor(), Curve(0.9, 10), out var step);
        Assert.Equal(3, step);
        Assert.Equal("median rule: loss 1.233 at step 3 is worse than the median 0.5333 of 3 earlier runs at step 3", reason);

        Assert.Null(Feed(stopper.CreateMonitor(), Curve(0.15, 10), out _));
        Assert.Null(Feed(stopper.CreateMonitor(), Curve(0.05, 10), out _));
    }

    [Fact]
    public void Median_rule_needs_min_runs_that_reached_the_step()
    {
        var earlier = new[] { Curve(0.1, 10), Curve(0.2, 10), Curve(0.3, 4) };
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinStep = 1, MinRuns = 3 }, Loss, earlier);
        Feed(stopper.CreateMonitor(), Curve(5, 10), out var step);
        Assert.Equal(1, step);

        var fewer = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinStep = 5, MinRuns = 3 }, Loss, earlier);
        Assert.Null(Feed(fewer.CreateMonitor(), Curve(5, 10), out _));
    }

    [Fact]
    public void Maximized_metrics_and_other_metric_names_are_handled()
    {
        var earlier = new[] { Curve(0.9, 6, "acc"), Curve(0.8, 6, "acc"), Curve(0.85, 6, "acc") }
            .Select(c => c.Select(p => p with { Value = 2 - p.Value }).ToList()).ToArray();
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinRuns = 2 }, Accuracy, earlier);
        var low = Curve(0.9, 6, "acc").Select(p => p with { Value = 1.2 - p.Value }).ToList();
        Assert.Contains("median rule: acc", Feed(stopper.CreateMonitor(), low, out _));
        var high = Curve(0.0, 6, "acc").Select(p => p with { Value = 2.5 - p.Value }).ToList();
        Assert.Null(Feed(stopper.CreateMonitor(), high, out _));

        // Points without a step, of other metrics or non-finite are never judged.
        var plain = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinRuns = 1 }, Loss, [Curve(0.1, 5)]).CreateMonitor();
        Assert.Null(plain.Observe(new MetricPoint { Name = "loss", Value = 99 }));
        Assert.Null(plain.Observe(new MetricPoint { Name = "loss", Value = double.NaN, Step = 2 }));
        Assert.Null(plain.Observe(new MetricPoint { Name = "train_loss", Value = 99, Step = 2 }));
        Assert.NotNull(plain.Observe(new MetricPoint { Name = "loss", Value = 99, Step = 2 }));

        var trainLoss = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinRuns = 1, Metric = "train_loss" }, Loss, [Curve(0.1, 5, "train_loss")]);
        Assert.Null(Feed(trainLoss.CreateMonitor(), Curve(9, 5, "loss"), out _));
        Assert.NotNull(Feed(trainLoss.CreateMonitor(), Curve(9, 5, "train_loss"), out _));
    }

    [Fact]
    public void Successive_halving_keeps_only_the_top_fraction_at_each_rung()
    {
        var earlier = Enumerable.Range(0, 8).Select(i => Curve(0.1 * i, 27)).ToArray();
        var spec = new EarlyStoppingSpec { Rule = EarlyStoppingRule.SuccessiveHalving, MinStep = 1, Eta = 3, MinRuns = 3 };
        var stopper = new EarlyStopper(spec, Loss, earlier);

        // 9 values at rung 1: the top 3 continue. A run better than all earlier ones never stops.
        Assert.Null(Feed(stopper.CreateMonitor(), Curve(-1, 27), out _));
        var reason = Feed(stopper.CreateMonitor(), Curve(0.45, 27), out var step);
        Assert.Equal(1, step);
        Assert.StartsWith("successive halving: loss 1.45 at rung step 1 ranks 6 of 9; only the top 3 continue", reason);
        // 0.15 ranks third of nine at every rung (1, 3, 9, 27): it always stays in the top 3 and is never stopped.
        Assert.Null(Feed(stopper.CreateMonitor(), Curve(0.15, 27), out _));
    }

    [Fact]
    public void Successive_halving_stops_a_run_that_falls_behind_at_a_later_rung()
    {
        var earlier = Enumerable.Range(0, 8).Select(i => Curve(0.1 * i, 27)).ToArray();
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.SuccessiveHalving, MinStep = 1, Eta = 3, MinRuns = 3 }, Loss, earlier);

        // Best of all at step 1 (0.95), then it stalls: at rung 3 seven earlier runs have a lower loss.
        var stalls = Enumerable.Range(1, 27).Select(s => new MetricPoint { Name = "loss", Value = 0.95, Step = s }).ToList();
        var reason = Feed(stopper.CreateMonitor(), stalls, out var step);
        Assert.Equal(3, step);
        Assert.Equal("successive halving: loss 0.95 at rung step 3 ranks 8 of 9; only the top 3 continue", reason);
    }

    [Fact]
    public void Successive_halving_respects_the_grace_period_min_runs_at_each_rung_and_the_direction()
    {
        var shortRuns = Enumerable.Range(0, 4).Select(i => Curve(0.1 * i, 2)).ToArray();
        var spec = new EarlyStoppingSpec { Rule = EarlyStoppingRule.SuccessiveHalving, MinStep = 1, Eta = 2, MinRuns = 3 };
        // Rung 1 has four earlier values: a hopeless run stops there.
        Assert.Contains("at rung step 1 ranks 5 of 5", Feed(new EarlyStopper(spec, Loss, shortRuns).CreateMonitor(), Curve(9, 10), out _));
        // With the first rung at step 4 no earlier run reached any rung: nothing to compare, never stopped.
        Assert.Null(Feed(new EarlyStopper(spec with { MinStep = 4 }, Loss, shortRuns).CreateMonitor(), Curve(9, 10), out _));

        // Maximizing: higher is better; a run below all three earlier ones stops at its first rung (step 2).
        var accuracy = new[] { 0.7, 0.8, 0.9 }.Select(top => Curve(0, 8, "acc").Select(p => p with { Value = top - 1.0 / p.Step!.Value }).ToList()).ToArray();
        var low = Curve(0, 8, "acc").Select(p => p with { Value = 0.1 }).ToList();
        var reason = Feed(new EarlyStopper(spec with { MinStep = 2 }, Accuracy, accuracy).CreateMonitor(), low, out var step);
        Assert.Equal(2, step);
        Assert.Contains("ranks 4 of 4; only the top 2 continue", reason);
        var high = Curve(0, 8, "acc").Select(p => p with { Value = 0.95 }).ToList();
        Assert.Null(Feed(new EarlyStopper(spec with { MinStep = 2 }, Accuracy, accuracy).CreateMonitor(), high, out _));
    }

    [Fact]
    public void Successive_halving_with_eta_close_to_one_still_answers_quickly()
    {
        var earlier = Enumerable.Range(0, 3).Select(i => Curve(0.1 * i, 50)).ToArray();
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.SuccessiveHalving, MinStep = 1, Eta = 1.0000001, MinRuns = 3 }, Loss, earlier);
        var monitor = stopper.CreateMonitor();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // A first point far beyond every earlier run: many rungs are passed, none has earlier values past step 50.
        Assert.Null(monitor.Observe(new MetricPoint { Name = "loss", Value = 0, Step = long.MaxValue / 2 }));
        Assert.Null(monitor.Observe(new MetricPoint { Name = "loss", Value = 0, Step = long.MaxValue }));
        // Near 1 every step up to the earlier runs' last is a rung; a hopeless run is ranked last at the first one.
        Assert.Contains("at rung step 1 ranks 4 of 4; only the top 3 continue", Feed(stopper.CreateMonitor(), Curve(5, 50), out _));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Median_rule_compares_against_the_best_so_far_of_runs_reporting_at_other_steps()
    {
        // Earlier runs report every 10 steps; the new one at steps 15 and 25. At 15 the earlier runs' best so far is their point at 10.
        static List<MetricPoint> Sparse(double final) =>
            new[] { 10, 20, 30 }.Select(s => new MetricPoint { Name = "loss", Value = final + 10.0 / s, Step = s }).ToList();
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinStep = 1, MinRuns = 3 }, Loss, [Sparse(0.1), Sparse(0.2), Sparse(0.3)]);
        Assert.Equal(3, stopper.EarlierRuns);
        var monitor = stopper.CreateMonitor();
        Assert.Null(monitor.Observe(new MetricPoint { Name = "loss", Value = 1.15, Step = 15 }));
        Assert.Equal("median rule: loss 1.15 at step 25 is worse than the median 0.7 of 3 earlier runs at step 25",
            monitor.Observe(new MetricPoint { Name = "loss", Value = 1.25, Step = 25 }));
    }

    [Fact]
    public void Rule_none_never_stops_and_a_monitor_answers_once()
    {
        var none = new EarlyStopper(new EarlyStoppingSpec(), Loss, [Curve(0, 5), Curve(0, 5), Curve(0, 5)]);
        Assert.Null(Feed(none.CreateMonitor(), Curve(99, 5), out _));

        var median = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinRuns = 1 }, Loss, [Curve(0, 5)]);
        var monitor = median.CreateMonitor();
        Assert.NotNull(monitor.Observe(new MetricPoint { Name = "loss", Value = 9, Step = 1 }));
        Assert.Null(monitor.Observe(new MetricPoint { Name = "loss", Value = 9, Step = 2 }));
    }

    [Fact]
    public void Monitors_are_safe_to_call_from_several_threads()
    {
        var stopper = new EarlyStopper(new EarlyStoppingSpec { Rule = EarlyStoppingRule.Median, MinRuns = 1 }, Loss, [Curve(0, 200)]);
        var monitor = stopper.CreateMonitor();
        var reasons = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(1, 200, s =>
        {
            if (monitor.Observe(new MetricPoint { Name = "loss", Value = 5, Step = s }) is { } r) reasons.Add(r);
        });
        Assert.Single(reasons);
    }
}
