using AutoResearch.Abstractions.Experiments;
using AutoResearch.Web.Campaigns;
using AutoResearch.Web.Pages;
using AutoResearch.Web.Pages.Campaigns;

namespace AutoResearch.Web.Tests;

/// <summary>How the console words and draws what it shows: typed reasons, live warnings, chart axes, inline JSON, budgets in hours.</summary>
public sealed class ConsoleRenderingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Why_an_experiment_ended_is_said_in_a_few_words_from_its_typed_outcome_not_its_log()
    {
        var log = string.Join('\n', Enumerable.Range(0, 40).Select(i => $"epoch {i}: loss=0.{i:D3} (still training, {new string('.', 20)})"));
        Assert.Equal("hit the time limit", ExperimentSummary.Because(Run(1, FailureKind.Timeout, log)));
        Assert.Equal("crashed (exit code 137)", ExperimentSummary.Because(Run(2, FailureKind.Crash, log) with { ExitCode = 137 }));
        Assert.Equal("out of memory", ExperimentSummary.Because(Run(3, FailureKind.OutOfMemory, log)));
        Assert.Equal("stopped early (hopeless curve)", ExperimentSummary.Because(Run(4, FailureKind.None, null) with { Status = ExperimentStatus.Pruned }));
        Assert.Null(ExperimentSummary.Because(Run(5, FailureKind.None, null) with { Status = ExperimentStatus.Succeeded }));
        Assert.All(Enum.GetValues<FailureKind>().Where(f => f != FailureKind.None),
            f => Assert.InRange(ExperimentSummary.Because(Run(9, f, log))!.Length, 5, 40));
    }

    [Fact]
    public void Every_baseline_run_hitting_the_time_limit_is_a_warning_and_one_that_finished_is_not()
    {
        var baseline = Run(1, FailureKind.Timeout, "killed") with { Kind = ExperimentKind.Baseline };
        var repeats = Enumerable.Range(2, 2).Select(i => Run(i, FailureKind.Timeout, "killed") with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id }).ToList();
        var warning = Assert.Single(LiveWarning.From([baseline, .. repeats], TimeSpan.FromMinutes(5)));
        Assert.Equal("baseline-timeouts", warning.Kind);
        Assert.Contains("Every baseline run so far (3) hit the benchmark's time limit of 5 min", warning.Text, StringComparison.Ordinal);

        var oneFinished = repeats[1] with { Failure = FailureKind.None, Status = ExperimentStatus.Succeeded, Objective = 0.2 };
        Assert.Empty(LiveWarning.From([baseline, repeats[0], oneFinished], TimeSpan.FromMinutes(5)));
        Assert.Empty(LiveWarning.From([baseline with { Status = ExperimentStatus.Running, Failure = FailureKind.None, EndedAt = null }], TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_streak_of_timeouts_after_a_good_baseline_is_a_warning_too()
    {
        var baseline = Run(1, FailureKind.None, null) with { Kind = ExperimentKind.Baseline, Status = ExperimentStatus.Succeeded, Objective = 1 };
        var timeouts = Enumerable.Range(2, LiveWarning.TimeoutStreak).Select(i => Run(i, FailureKind.Timeout, "killed")).ToList();
        Assert.Equal("timeouts", Assert.Single(LiveWarning.From([baseline, .. timeouts], TimeSpan.FromSeconds(30))).Kind);
        Assert.Empty(LiveWarning.From([baseline, .. timeouts.Skip(1)], TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(0.02, 0.93)]
    [InlineData(0.0, 0.0)]
    [InlineData(3.3, 3.3)]
    [InlineData(0.000123, 0.000511)]
    [InlineData(12, 98765)]
    public void Axes_of_a_non_negative_metric_never_go_below_zero_and_tick_at_round_values(double lo, double hi)
    {
        var (min, max, ticks) = SvgChart.Axis(lo, hi);
        Assert.True(min >= 0, $"axis starts at {min}");
        Assert.True(min <= lo && max >= hi, $"[{min}, {max}] does not cover [{lo}, {hi}]");
        Assert.InRange(ticks.Count, 3, 7);
        var step = ticks[1] - ticks[0];
        var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1, 2, 2.5, 5, 10 });
        Assert.All(ticks, t => Assert.Equal(0, Math.Round(t / step - Math.Round(t / step), 6)));
    }

    [Fact]
    public void A_step_axis_ticks_at_whole_steps_only()
    {
        Assert.Equal([0d, 1d], SvgChart.Axis(0, 0, pad: false, integer: true).Ticks);
        Assert.All(SvgChart.Axis(0, 3, pad: false, integer: true).Ticks, t => Assert.Equal(Math.Round(t), t));
    }

    [Fact]
    public void Negative_values_keep_their_axis_below_zero()
    {
        var (min, max, _) = SvgChart.Axis(-3.2, 1.5);
        Assert.True(min <= -3.2 && max >= 1.5);
    }

    [Fact]
    public void Two_metrics_of_an_experiment_get_a_chart_each_with_several_labels()
    {
        var points = Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            new MetricPoint { Name = "loss", Value = 2.0 / (i + 1), Step = i },
            new MetricPoint { Name = "accuracy", Value = 0.5 + i * 0.04, Step = i },
        }).ToList();
        var html = SvgChart.MetricCurve(points);
        Assert.StartsWith("<div id=\"metric-curve\"", html, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(html, "<svg "));
        Assert.Contains("data-metric=\"loss\"", html, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"accuracy\"", html, StringComparison.Ordinal);
        Assert.True(System.Text.RegularExpressions.Regex.Count(html, "class=\"axis y-tick\"") >= 6);
    }

    [Fact]
    public void Inline_json_has_no_character_that_html_reads_inside_a_script_element()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { goal = "<!--<script></script> & \u2028" },
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var escaped = InlineJson.Escape(json);
        Assert.DoesNotContain('<', escaped);
        Assert.DoesNotContain('>', escaped);
        Assert.DoesNotContain('&', escaped);
        Assert.Equal("<!--<script></script> & \u2028", System.Text.Json.JsonDocument.Parse(escaped).RootElement.GetProperty("goal").GetString());
    }

    [Fact]
    public void A_budget_change_is_confirmed_in_hours_as_the_form_asks_for_them()
    {
        var detail = new CampaignDetail(
            new CampaignListItem("c", "c", "Running", "b", "m", "minimize", T0, T0, T0.AddHours(8), null, 0, 10, null, null, null, 1, true),
            "goal", null, null, null, 0, null, 0, 0, 0, 1, new BudgetView(0, 5400, 0, 0, 0, 0),
            [new AgentView("explorer-1", "explorer", "gp", null, "Running", "", null, 0, 0, 0, null, 0, 200_000, 0, 1800, 0, 0)],
            [], [], [], [], 0, [], T0);
        Assert.Equal("the campaign now has GPU no limit, CPU 1.5 h, tokens no limit", ViewModel.BudgetInHours(detail, null));
        Assert.Equal("agent explorer-1 now has GPU no limit, CPU 0.5 h, tokens 200,000", ViewModel.BudgetInHours(detail, "explorer-1"));
    }

    private static ExperimentRecord Run(int sequence, FailureKind failure, string? reason) => new()
    {
        Id = $"e{sequence}",
        CampaignId = "c",
        AgentId = "explorer-1",
        Sequence = sequence,
        ProposerName = "gp",
        Parameters = [],
        Status = failure == FailureKind.None ? ExperimentStatus.Succeeded : ExperimentStatus.Failed,
        Failure = failure,
        Reason = reason,
        QueuedAt = T0.AddMinutes(sequence),
        StartedAt = T0.AddMinutes(sequence),
        EndedAt = T0.AddMinutes(sequence + 1),
    };
}
