using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes.Tests;

public sealed class MetricLineParserTests
{
    [Fact]
    public void Parses_a_single_value()
    {
        var result = MetricLineParser.Parse("METRIC loss=0.25");

        Assert.True(result.IsMetricLine);
        Assert.Equal([new MetricPoint { Name = "loss", Value = 0.25 }], result.Points);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Several_pairs_share_the_step_wherever_it_appears()
    {
        var result = MetricLineParser.Parse("METRIC step=7 loss=1e-3 val/acc=0.91 grad.norm=-2");

        Assert.Equal(
            [
                new MetricPoint { Name = "loss", Value = 0.001, Step = 7 },
                new MetricPoint { Name = "val/acc", Value = 0.91, Step = 7 },
                new MetricPoint { Name = "grad.norm", Value = -2, Step = 7 },
            ],
            result.Points);
    }

    [Theory]
    [InlineData("  METRIC   loss = 0.5\t step = 3  ")]
    [InlineData("\tMETRIC\tloss=0.5\tstep=3")]
    [InlineData("METRIC: loss=0.5 step=3\r")]
    [InlineData("METRIC loss=0.5 step=3.0")]
    public void Is_whitespace_tolerant(string line)
    {
        var result = MetricLineParser.Parse(line);

        Assert.Equal([new MetricPoint { Name = "loss", Value = 0.5, Step = 3 }], result.Points);
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("loss=0.5")]
    [InlineData("METRICS loss=0.5")]
    [InlineData("metric loss=0.5")]
    [InlineData("epoch 3: METRIC loss=0.5")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_lines_are_not_metric_lines(string? line)
    {
        var result = MetricLineParser.Parse(line);

        Assert.False(result.IsMetricLine);
        Assert.Empty(result.Points);
    }

    [Theory]
    [InlineData("METRIC loss=abc acc=0.9", "loss=abc")]
    [InlineData("METRIC loss=nan acc=0.9", "loss=nan")]
    [InlineData("METRIC loss=inf acc=0.9", "loss=inf")]
    [InlineData("METRIC loss=-Infinity acc=0.9", "loss=-Infinity")]
    [InlineData("METRIC loss=1,5 acc=0.9", "loss=1,5")]
    [InlineData("METRIC loss= acc=0.9", "loss=")]
    public void Invalid_numbers_are_ignored_but_noted(string line, string noted)
    {
        var result = MetricLineParser.Parse(line);

        Assert.True(result.IsMetricLine);
        Assert.Equal([new MetricPoint { Name = "acc", Value = 0.9 }], result.Points);
        Assert.Contains(result.Problems, p => p.Contains(noted, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_step_is_noted_and_values_kept_without_step()
    {
        var result = MetricLineParser.Parse("METRIC loss=0.5 step=later");

        Assert.Equal([new MetricPoint { Name = "loss", Value = 0.5 }], result.Points);
        Assert.Contains(result.Problems, p => p.Contains("step", StringComparison.Ordinal));
    }

    [Fact]
    public void Stray_tokens_and_empty_lines_are_noted()
    {
        Assert.Contains(MetricLineParser.Parse("METRIC loss 0.5").Problems, p => p.Contains("loss 0.5", StringComparison.Ordinal));
        Assert.NotEmpty(MetricLineParser.Parse("METRIC").Problems);
        Assert.Equal("loss", Assert.Single(MetricLineParser.Parse("METRIC hello loss=1").Points).Name);
    }

    [Fact]
    public void Values_parse_with_the_invariant_culture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal(1.5, Assert.Single(MetricLineParser.Parse("METRIC loss=1.5").Points).Value);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }
}
