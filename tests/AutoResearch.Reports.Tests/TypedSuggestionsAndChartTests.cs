using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

/// <summary>Suggestions that respect parameter types and hard bounds; a metric chart that survives a few blown-up runs.</summary>
public sealed class TypedSuggestionsAndChartTests
{
    private static CampaignReportModel Build(IReadOnlyList<ParameterSpec> parameters, IEnumerable<(double Objective, Dictionary<string, string> Values)> runs)
    {
        var spec = SampleCampaign.Spec() with { Benchmark = SampleCampaign.Benchmark() with { Parameters = [.. parameters] } };
        var campaign = SampleCampaign.Campaign() with { Spec = spec };
        var defaults = parameters.ToDictionary(p => p.Name, p => p.Default);
        var experiments = new List<ExperimentRecord>
        {
            SampleCampaign.Experiment(SampleCampaign.Id, 1, "explorer-1", "baseline", 0.50, 0, 2, defaults, baseline: true),
        };
        var seq = 2;
        foreach (var (objective, values) in runs)
        {
            experiments.Add(SampleCampaign.Experiment(SampleCampaign.Id, seq, "explorer-1", "gp", objective, seq * 2, seq * 2 + 1,
                new Dictionary<string, string>(defaults.Concat(values.Where(v => !defaults.ContainsKey(v.Key))).ToDictionary(), StringComparer.Ordinal)
                    .Also(d => { foreach (var (k, v) in values) d[k] = v; })));
            seq++;
        }
        return CampaignReportBuilder.Build(campaign, experiments, [], SampleCampaign.End);
    }

    [Fact]
    public void An_integer_parameter_is_never_told_to_explore_fractions()
    {
        var degree = new ParameterSpec { Name = "degree", Type = ParameterType.Int, Min = 1, Max = 5, Default = "2" };
        var width = new ParameterSpec { Name = "width", Type = ParameterType.Int, Min = 2, Max = 40, Default = "4" };
        var runs = new[] { "1", "2", "3", "2", "1", "3" }.Select((d, i) => (0.49 - i * 0.001, new Dictionary<string, string> { ["degree"] = d, ["width"] = (2 + i).ToString() }));
        var rules = Build([degree, width], runs).Advice.Rules.Select(r => r.Text).ToList();

        // Five integers: one part per value, the untried ones named.
        Assert.Contains("Try degree = 4 or 5.", rules);
        // 39 integers in fifths with integer ends that do not overlap: [2, 9] was tried (2-7); the other fifths were not.
        Assert.Contains("Explore width in [10, 17], [18, 24], [25, 32], [33, 40].", rules);
        Assert.DoesNotContain(rules, r => (r.Contains("degree", StringComparison.Ordinal) || r.Contains("width", StringComparison.Ordinal)) &&
            System.Text.RegularExpressions.Regex.IsMatch(r, @"\d\.\d"));
    }

    [Fact]
    public void Integer_regions_cover_the_range_without_overlap_or_fractions()
    {
        foreach (var (min, max, log) in new[] { (16.0, 512.0, false), (1.0, 7.0, false), (16.0, 320.0, true), (2.0, 12.0, true), (0.0, 1000000.0, false) })
        {
            var p = new ParameterSpec { Name = "n", Type = ParameterType.Int, Min = min, Max = max, Log = log, Default = min.ToString() };
            var regions = SuggestionRules.RegionsOf(p);
            Assert.Equal(min, regions[0].Low);
            Assert.Equal(max, regions[^1].High);
            for (var i = 0; i < regions.Count; i++)
            {
                Assert.Equal(Math.Round(regions[i].Low), regions[i].Low);
                Assert.Equal(Math.Round(regions[i].High), regions[i].High);
                Assert.True(regions[i].Low <= regions[i].High, $"[{regions[i].Low}, {regions[i].High}] is empty");
                if (i > 0) Assert.Equal(regions[i - 1].High + 1, regions[i].Low);
            }
        }
    }

    [Fact]
    public void A_best_at_a_hard_bound_is_told_to_fix_the_parameter_not_to_widen_past_it()
    {
        var momentum = new ParameterSpec { Name = "momentum", Type = ParameterType.Float, Min = 0, Max = 0.99, Default = "0.5" };
        var dropout = new ParameterSpec { Name = "dropout", Type = ParameterType.Float, Min = 0, Max = 1, Default = "0.5" };
        var layers = new ParameterSpec { Name = "layers", Type = ParameterType.Int, Min = 1, Max = 8, Default = "3" };
        var scale = new ParameterSpec { Name = "scale", Type = ParameterType.Float, Min = 0.5, Max = 2, Default = "1" };
        var runs = new[]
        {
            (0.45, new Dictionary<string, string> { ["momentum"] = "0.3", ["dropout"] = "0.4", ["layers"] = "4", ["scale"] = "1.2" }),
            (0.30, new Dictionary<string, string> { ["momentum"] = "0", ["dropout"] = "1", ["layers"] = "1", ["scale"] = "0.5" }),
        };
        var rules = Build([momentum, dropout, layers, scale], runs).Advice.Rules.Select(r => r.Text).ToList();

        Assert.Contains("Fix momentum at 0 (campaign file: parameters: { momentum: 0 }) and search the other parameters.", rules);
        Assert.Contains("Fix dropout at 1 (campaign file: parameters: { dropout: 1 }) and search the other parameters.", rules);
        Assert.Contains("Fix layers at 1 (campaign file: parameters: { layers: 1 }) and search the other parameters.", rules);
        Assert.DoesNotContain(rules, r => r.StartsWith("Widen the range of momentum", StringComparison.Ordinal)
            || r.StartsWith("Widen the range of dropout", StringComparison.Ordinal) || r.StartsWith("Widen the range of layers", StringComparison.Ordinal));
        // 0.5 is no natural limit of a scale: widening below it stays a fair suggestion.
        Assert.Contains("Widen the range of scale below 0.5.", rules);
    }

    [Fact]
    public void A_few_blown_up_runs_are_clipped_from_the_window_and_the_rest_keep_their_spread()
    {
        double[] values = [0.50, 0.48, 0.45, 0.47, 1.0e6, 0.44, 0.41, 3.0e5, 0.40, 0.46];
        var window = MetricWindow.For(values, [0.50, 0.40], Direction.Minimize);
        Assert.Equal([4, 7], window.Clipped);
        Assert.Equal(0.40, window.Low, 12);
        Assert.Equal(0.50, window.High, 12);
        Assert.Equal(window.High, window.ClipEdge);

        // Maximizing, a collapse to 0 is the worse side.
        var accuracy = MetricWindow.For([0.91, 0.92, 0.90, 0.93, 0.0, 0.94, 0.92], [0.90, 0.94], Direction.Maximize);
        Assert.Equal([4], accuracy.Clipped);
        Assert.Equal(accuracy.Low, accuracy.ClipEdge);
        Assert.Equal(0.90, accuracy.Low, 12);

        // A good outlier is never clipped, nor a spread-out but sane set of runs.
        Assert.Empty(MetricWindow.For([0.50, 0.48, 0.47, 0.49, 0.01], [0.5, 0.01], Direction.Minimize).Clipped);
        Assert.Empty(MetricWindow.For([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.9], [0.5], Direction.Minimize).Clipped);
        // The baseline stays visible even when it is the worst value.
        Assert.Empty(MetricWindow.For([0.40, 0.41, 0.42, 0.40, 5.0], [5.0, 0.40], Direction.Minimize).Clipped);
    }

    [Fact]
    public void The_metric_chart_with_blown_up_runs_renders_them_as_marked_triangles()
    {
        var sample = SampleCampaign.Experiments();
        var blownUp = sample
            .Append(SampleCampaign.Experiment(SampleCampaign.Id, 17, "explorer-1", "gp", 4.0e6, 33, 36, new() { ["lr"] = "0.9" }))
            .Append(SampleCampaign.Experiment(SampleCampaign.Id, 18, "exploiter-1", "tpe", 9.0e5, 34, 37, new() { ["lr"] = "0.8" }))
            .ToList();
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), blownUp, [], SampleCampaign.End);
        var points = model.Experiments.Where(r => r.Status == ExperimentStatus.Succeeded && r.Objective is not null).Select(r => r.Objective!.Value).ToList();
        Assert.Equal(2, MetricWindow.For(points, [.. model.BestSoFar.Select(p => p.Value), model.BaselineObjective!.Value], model.Direction).Clipped.Count);

        var plain = PngAssert.Decodes(ReportCharts.RenderMetricPng(CampaignReportBuilder.Build(SampleCampaign.Campaign(), sample, [], SampleCampaign.End), 1000, 520), 1000, 520);
        using var clipped = PngAssert.Decodes(ReportCharts.RenderMetricPng(model, 1000, 520), 1000, 520);
        // The other runs keep their spread: about as many explorer-blue pixels as without the blow-ups (not squashed into a line).
        var before = PngAssert.CountNear(plain, "#1f77b4");
        var after = PngAssert.CountNear(clipped, "#1f77b4");
        plain.Dispose();
        Assert.True(after >= before * 0.8, $"explorer points shrank from {before} to {after} pixels");
        Assert.True(PngAssert.CountNear(clipped, "#ff7f0e") > 50, "exploiter points missing");
    }
}

/// <summary>A benchmark that ignores AR_SEED: its baseline repeats are bit-identical; the report and the summary say so.</summary>
public sealed class IdenticalRepeatsReportTests
{
    private const string Id = SampleCampaign.Id;

    [Fact]
    public void Identical_repeats_are_told_in_the_report_and_the_json_summary_and_no_confidence_is_claimed()
    {
        var experiments = SampleCampaign.Experiments();
        var baseline = experiments.Single(e => e.IsBaseline);
        experiments.Add(SampleCampaign.Experiment(Id, 17, "explorer-1", "repeat", 0.50, 1, 4) with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id });
        experiments.Add(SampleCampaign.Experiment(Id, 18, "scout-1", "repeat", 0.50, 2, 5) with { Kind = ExperimentKind.Repeat, RepeatOf = baseline.Id });
        var best = experiments.Single(e => e.Sequence == 12);
        experiments[experiments.IndexOf(best)] = best with { Verdict = AcceptanceVerdict.Accepted, Confidence = null, Margin = 0.005 };
        List<LeaderboardEntry> board =
        [
            new() { CampaignId = Id, Index = 0, ExperimentId = baseline.Id, Sequence = baseline.Sequence, AgentId = baseline.AgentId, Objective = 0.5, Runs = 3, StdDev = 0, AcceptedAt = SampleCampaign.Start.AddMinutes(5) },
            new() { CampaignId = Id, Index = 1, ExperimentId = best.Id, Sequence = 12, AgentId = "exploiter-1", Objective = 0.40, Runs = 1, Confidence = null, Margin = 0.005, AcceptedAt = SampleCampaign.Start.AddMinutes(25) },
        ];
        Assert.Equal(AcceptanceReason.MinimumImprovement, board[1].Reason);

        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), experiments, SampleCampaign.Journal(), SampleCampaign.End, board);
        Assert.True(model.Noise.IdenticalRepeats);
        Assert.True(model.Noise.UsesMinimumImprovement);
        Assert.Contains(model.Notes, n => n.StartsWith("Identical repeats: 3 runs", StringComparison.Ordinal) && n.Contains("AR_SEED", StringComparison.Ordinal));
        Assert.Equal("Best 0.4 over 1 run(s): accepted by the minimum improvement 1 % (≥ 0.005); no confidence is claimed; the repeats were identical (3 runs), so the run-to-run noise could not be measured.",
            ReportNarrative.ConfidenceLine(model));

        var markdown = MarkdownReportRenderer.Render(model);
        Assert.Contains("(the repeats were identical)", markdown);
        Assert.DoesNotContain("confidence 99", markdown);
        var html = HtmlReportRenderer.Render(model);
        Assert.Contains("identical", html);

        var status = new CampaignStatus { Id = Id, Name = "digits-night", State = CampaignState.Completed, MetricName = "val_loss" };
        var summary = CampaignSummaryBuilder.Build(status, experiments, null, slots: 3, now: SampleCampaign.End, leaderboard: board);
        Assert.True(summary.NoiseIdenticalRepeats);
        Assert.Equal("minimum_improvement", summary.AcceptanceRule);
        Assert.Equal("minimum_improvement", summary.BestAcceptedBy);
        Assert.Null(summary.BestConfidence);
        Assert.Equal(new CampaignSummaryMinImprovement { Value = 0.01, Relative = true, Stated = false }, summary.MinImprovement);
        Assert.Contains("\"noise_identical_repeats\":true", summary.ToJson());
    }
}

internal static class DictionaryExtensions
{
    public static Dictionary<string, string> Also(this Dictionary<string, string> d, Action<Dictionary<string, string>> change)
    {
        change(d);
        return d;
    }
}
