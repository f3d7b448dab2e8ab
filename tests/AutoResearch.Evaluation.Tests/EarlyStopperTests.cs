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
        // 0.15 is third at rung 1 and rung 3 but not at rung 9? It keeps its rank: never stopped.
        Assert.Null(Feed(stopper.CreateMonitor(), Curve(0.15, 27), out _));
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
