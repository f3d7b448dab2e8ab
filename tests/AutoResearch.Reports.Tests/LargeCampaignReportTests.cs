using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports.Tests;

/// <summary>Reports of very large campaigns stay readable: tables and charts are thinned to what matters plus an even sample.</summary>
public sealed class LargeCampaignReportTests
{
    [Fact]
    public void Thin_keeps_everything_that_fits_and_otherwise_the_kept_items_plus_an_even_sample_in_order()
    {
        var small = Enumerable.Range(1, 10).ToList();
        Assert.Same(small, ReportSampling.Thin(small, 10, _ => false));

        var items = Enumerable.Range(1, 1000).ToList();
        var thinned = ReportSampling.Thin(items, 50, i => i is 3 or 777 or 1000);
        Assert.Equal(50, thinned.Count);
        Assert.Contains(3, thinned);
        Assert.Contains(777, thinned);
        Assert.Contains(1000, thinned);
        Assert.Equal(thinned.Order(), thinned); // original order
        // Evenly spaced: no gap between neighbours is much wider than 1000 / 47.
        var gaps = thinned.Zip(thinned.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Max() <= 2 * 1000 / 47, $"largest gap {gaps.Max()}");

        // More kept items than room: all of them, nothing else.
        Assert.Equal(items.Where(i => i % 10 == 0), ReportSampling.Thin(items, 20, i => i % 10 == 0));
    }

    [Fact]
    public void A_twenty_thousand_experiment_report_shows_every_new_best_a_sample_and_correct_top_means()
    {
        const int n = 20_000;
        var rng = new Random(5);
        var experiments = new List<ExperimentRecord>();
        for (var seq = 1; seq <= n; seq++)
        {
            var agent = seq % 2 == 0 ? "explorer-1" : "exploiter-1";
            var failed = seq > 1 && rng.Next(10) == 0;
            var e = SampleCampaign.Experiment(SampleCampaign.Id, seq, agent, "gp", failed ? null : 0.3 + rng.NextDouble(), seq * 0.01, seq * 0.01 + 0.005,
                new() { ["lr"] = (rng.NextDouble() / 10).ToString("R", System.Globalization.CultureInfo.InvariantCulture) },
                failed ? FailureKind.Crash : FailureKind.None, failed ? "crashed" : null, baseline: seq == 1, hypothesis: $"try #{seq}");
            // Every 100th run repeats an earlier one: the top experiments' means must include their repeats.
            if (seq % 100 == 0 && !failed) e = e with { Kind = ExperimentKind.Repeat, RepeatOf = experiments[rng.Next(experiments.Count)].Id };
            experiments.Add(e);
        }

        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), experiments, [], SampleCampaign.End.AddDays(1));
        Assert.Equal(n, model.Experiments.Count); // the model keeps every row; the renderers thin

        // Top experiments: the mean over each one's run and repeats, as RunStatistics.RunsOf computes it one by one.
        var succeeded = experiments.Where(e => e.HasUsableObjective).ToList();
        Assert.Equal(CampaignReportBuilder.TopExperimentCount, model.TopExperiments.Count);
        foreach (var top in model.TopExperiments)
        {
            var runs = RunStatistics.RunsOf(top.Row.Id, succeeded);
            Assert.Equal(runs.Count, top.Runs);
            Assert.Equal(runs.Average(), top.Mean, 12);
        }

        var html = HtmlReportRenderer.Render(model);
        var md = MarkdownReportRenderer.Render(model);
        var rows = Regex.Matches(html, "<tr[^>]* id=\"exp-(\\d+)\"").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(rows.Count, ReportSampling.MaxTableRows - 5, ReportSampling.MaxTableRows);
        Assert.Equal(rows.Order(), rows);
        foreach (var r in model.Experiments.Where(r => r.IsNewBest || r.IsBest || r.IsBaseline))
            Assert.Contains(r.Sequence, rows);
        foreach (var t in model.TopExperiments)
            Assert.Contains(t.Row.Sequence, rows);
        Assert.Contains($"Showing {rows.Count:N0} of {n:N0} experiments", html, StringComparison.Ordinal);
        Assert.Contains($"Showing {rows.Count:N0} of {n:N0} experiments", md, StringComparison.Ordinal);
        Assert.True(html.Length < 1_000_000, $"html is {html.Length} characters");
        Assert.True(md.Length < 500_000, $"markdown is {md.Length} characters");

        // The charts draw from the same model (thinned series): they render.
        var charts = ReportCharts.RenderAll(model);
        Assert.NotEmpty(charts);
    }
}
