using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes.Tests;

public sealed class MetricPointBufferTests
{
    private static MetricPoint Point(long i, string name = "loss") => new() { Name = name, Value = i, Step = i };

    [Fact]
    public void Few_points_are_all_kept_in_order()
    {
        var buffer = new MetricPointBuffer();
        for (var i = 0; i < 500; i++)
        {
            buffer.Add(Point(i));
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), buffer.ToArray().Select(p => p.Step!.Value));
        Assert.Equal(0, buffer.Dropped);
    }

    [Fact]
    public void A_million_points_keep_the_first_the_last_an_even_middle_and_the_last_of_each_name()
    {
        var buffer = new MetricPointBuffer();
        buffer.Add(Point(-1, "early_only"));
        for (var i = 0; i < 1_000_000; i++)
        {
            buffer.Add(Point(i));
        }

        var kept = buffer.ToArray();
        Assert.InRange(kept.Length, 300, MetricPointBuffer.MaxStored + MetricPointBuffer.MaxNames);
        Assert.Equal(1_000_001, buffer.Count);
        Assert.Equal(buffer.Count - kept.Length, buffer.Dropped);
        var steps = kept.Where(p => p.Name == "loss").Select(p => p.Step!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 99).Select(i => (long)i), steps.Take(99)); // the head (the first point was early_only)
        Assert.Equal(Enumerable.Range(999_900, 100).Select(i => (long)i), steps.TakeLast(100)); // the tail
        Assert.Equal(steps.Order(), steps); // arrival order
        var middle = steps.Skip(99).SkipLast(100).ToList();
        Assert.True(middle.Count > 300, $"{middle.Count} middle points");
        var gaps = middle.Zip(middle.Skip(1), (a, b) => b - a).Distinct().ToList();
        Assert.Single(gaps); // evenly thinned
        Assert.Contains(kept, p => p.Name == "early_only");
    }

    [Fact]
    public void The_last_point_of_a_name_printed_once_in_the_middle_is_kept()
    {
        var buffer = new MetricPointBuffer();
        for (var i = 0; i < 100_000; i++)
        {
            buffer.Add(i == 50_001 ? Point(i, "rare") : Point(i));
        }

        Assert.Contains(buffer.ToArray(), p => p is { Name: "rare", Step: 50_001 });
    }
}
