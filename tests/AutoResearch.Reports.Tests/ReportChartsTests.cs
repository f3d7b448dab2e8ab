using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

public sealed class ReportChartsTests
{
    [Fact]
    public void Metric_chart_is_a_non_blank_png_with_agent_and_failure_colors()
    {
        var png = ReportCharts.RenderMetricPng(SampleCampaign.Model(), 1000, 520);

        Assert.True(png.Length > 15_000, $"PNG only {png.Length} bytes");
        using var bitmap = PngAssert.Decodes(png, 1000, 520);
        Assert.True(PngAssert.DistinctColors(bitmap) > 100, "too few colors: blank chart?");
        Assert.True(PngAssert.CountNear(bitmap, "#1f77b4") > 50, "explorer-1 points missing");
        Assert.True(PngAssert.CountNear(bitmap, "#ff7f0e") > 50, "exploiter-1 points missing");
        Assert.True(PngAssert.CountNear(bitmap, "#2ca02c") > 10, "scout-1 point missing");
        Assert.True(PngAssert.CountNear(bitmap, "#d62728") > 30, "failure markers missing");
    }

    [Fact]
    public void Budget_chart_renders_and_is_null_without_agents()
    {
        var model = SampleCampaign.Model();
        var png = ReportCharts.RenderBudgetPng(model, 800, 400)!;
        using var bitmap = PngAssert.Decodes(png, 800, 400);
        Assert.True(PngAssert.DistinctColors(bitmap) > 50);
        Assert.True(PngAssert.CountNear(bitmap, "#c7c7c7", 2) > 500, "budget bars missing");

        Assert.Null(ReportCharts.RenderBudgetPng(model with { Agents = [] }));
    }

    [Fact]
    public void Empty_campaign_still_renders_a_chart()
    {
        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), [], [], SampleCampaign.End);
        using var bitmap = PngAssert.Decodes(ReportCharts.RenderMetricPng(model, 600, 300), 600, 300);
        Assert.True(PngAssert.DistinctColors(bitmap) > 10);
    }

    [Theory]
    [InlineData(Direction.Minimize, 0.508)]
    [InlineData(Direction.Maximize, 0.392)]
    public void Failures_sit_past_the_worse_edge(Direction direction, double expected) =>
        Assert.Equal(expected, ReportCharts.FailureLane([0.4, 0.5], direction), 10);
}
