using System.Text;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes.Tests;

public sealed class ResultFileTests
{
    [Fact]
    public void Numbers_and_numeric_strings_are_metrics()
    {
        var content = ResultFile.Parse("""{"metrics": {"loss": 0.5, "acc": "0.75", "bad": "x", "list": [1]}, "other": 1}"""u8);

        Assert.Equal([new MetricPoint { Name = "loss", Value = 0.5 }, new MetricPoint { Name = "acc", Value = 0.75 }], content.Metrics);
        Assert.Equal(2, content.Problems.Count);
    }

    [Theory]
    [InlineData("""{"metrics": {"loss": NaN}}""")]
    [InlineData("""not json""")]
    [InlineData("""{"loss": 1}""")]
    [InlineData("""[]""")]
    public void Unusable_files_are_noted(string json)
    {
        var content = ResultFile.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Empty(content.Metrics);
        Assert.Single(content.Problems);
    }
}
