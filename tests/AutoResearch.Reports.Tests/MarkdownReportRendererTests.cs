namespace AutoResearch.Reports.Tests;

public sealed class MarkdownReportRendererTests
{
    private static readonly string Md = MarkdownReportRenderer.Render(SampleCampaign.Model(), ReportCharts.RenderAll(SampleCampaign.Model()));

    [Fact]
    public void Headline_has_goal_baseline_best_and_improvement()
    {
        Assert.Contains("**Goal:** Lower the validation loss of the digits MLP overnight.", Md);
        Assert.Contains("val\\_loss: baseline 0.5 → best 0.4 (+20.0% better than baseline)", Md);
        Assert.Contains("- Experiments: 16 total · 10 succeeded · 6 failed", Md);
        Assert.Contains("![val\\_loss over time](report-metric.png)", Md);
        Assert.Contains("![Budget use per agent](report-budget.png)", Md);
        Assert.Contains("![Budget burn: compute used over time](report-burn.png)", Md);
    }

    [Fact]
    public void Agent_table_matches_the_seeded_data()
    {
        Assert.Contains("| explorer-1 | explorer | gp | — | 6 | 6 | 0 | 0 | 4 | 0.41 |", Md);
        Assert.Contains("| exploiter-1 | exploiter | tpe | — | 5 | 3 | 2 | 0 | 1 | 0.4 |", Md);
        Assert.Contains("| scout-1 | scout | llm | gpt-test | 5 | 1 | 4 | 0 | 0 | 0.47 |", Md);
        Assert.Contains("| explorer-1 | 0 / unlimited | 1980 / 3600 (55%) | 0 / unlimited | 0 | 0 | yes |", Md);
    }

    [Fact]
    public void Failures_are_grouped_with_an_example_each()
    {
        Assert.Contains("| Crash | 2 |", Md);
        Assert.Contains("### Crash (2)", Md);
        Assert.Contains("### Timeout (1)", Md);
        Assert.Contains("### Out of memory (1)", Md);
        Assert.Contains("### No metric (1)", Md);
        Assert.Contains("### Rejected (1)", Md);
        Assert.Contains("Exit code 1: ValueError: loss is NaN", Md);
        Assert.Contains("OOMKilled: memory limit 1024 MB", Md);
    }

    [Fact]
    public void Experiment_table_and_reproduce_section_are_present()
    {
        Assert.Contains("| 12 | exploiter-1 | tpe | proposal | succeeded | — | 0.4 ★ | 11m 00s | hidden=256, lr=0.015 |", Md);
        Assert.Contains("| 1 | explorer-1 | baseline | baseline | succeeded | — | 0.5 ▲ B | 5m 00s | (defaults) |", Md);
        Assert.Contains("| 16 | scout-1 | llm | proposal | failed: Rejected | — | — | — |", Md);
        Assert.Contains("## Reproduce the best", Md);
        Assert.Contains("AR_SEED=1012", Md);
        Assert.Contains("\"hidden\": 256,", Md);
        Assert.Contains("\"lr\": 0.015", Md);
        Assert.Contains("\"activation\": \"relu\"", Md);
    }

    [Fact]
    public void Journal_shows_recent_reflections_only()
    {
        Assert.Contains("### explorer-1 (latest 3 of 4)", Md);
        Assert.Contains("> Plateau near 0.41", Md);
        Assert.DoesNotContain("OLDEST", Md);
        Assert.DoesNotContain("Hypotheses are not shown", Md);
    }

    [Fact]
    public void Raw_html_from_experiments_is_neutralised()
    {
        // Escaped as \<script\> (shows as text) or &lt;script&gt; in quotes; never as a live tag.
        Assert.DoesNotMatch(@"(?<!\\)<(script|img)", Md);
        Assert.Contains("\\<script\\>", Md);
        Assert.DoesNotContain("![chart](http", Md);
    }

    [Fact]
    public void Maximize_headline_reads_as_a_gain()
    {
        const string id = "acc-max";
        var campaign = SampleCampaign.Campaign(id, Abstractions.Specs.Direction.Maximize, "accuracy");
        var model = CampaignReportBuilder.Build(
            campaign,
            [
                SampleCampaign.Experiment(id, 1, "explorer-1", "baseline", 0.80, 0, 5, baseline: true),
                SampleCampaign.Experiment(id, 2, "exploiter-1", "tpe", 0.92, 5, 12, new() { ["hidden"] = "256" }),
            ],
            [],
            SampleCampaign.End);

        var md = MarkdownReportRenderer.Render(model);

        Assert.Contains("accuracy: baseline 0.8 → best 0.92 (+15.0% better than baseline)", md);
        Assert.Contains("metric `accuracy` (maximize)", md);
    }

    [Fact]
    public void Empty_campaign_renders()
    {
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), [], [], SampleCampaign.End);
        var md = MarkdownReportRenderer.Render(model);
        Assert.Contains("No experiments have run yet.", md);
        Assert.Contains("No experiments have been recorded yet.", md);
        Assert.Contains("nothing to reproduce", md);
    }
}
