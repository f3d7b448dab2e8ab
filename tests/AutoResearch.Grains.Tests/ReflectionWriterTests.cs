using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Grains.Tests;

public sealed class ReflectionWriterTests
{
    private static ExperimentRecord Record(int sequence, double? objective, ExperimentStatus status = ExperimentStatus.Succeeded, string x1 = "1") => new()
    {
        Id = $"c/{sequence:D4}",
        CampaignId = "c",
        AgentId = "a",
        Sequence = sequence,
        ProposerName = "gp",
        Parameters = new() { ["x1"] = x1, ["x2"] = "2" },
        Status = status,
        Objective = objective,
        QueuedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void An_improvement_is_an_insight_that_names_the_change_and_the_margin()
    {
        var (kind, text) = ReflectionWriter.Reflect(TestSpecs.Branin(), Record(2, 5.0, x1: "4"), Record(1, 10.0, x1: "1"));
        Assert.Equal(JournalEntryKind.Insight, kind);
        Assert.Contains("x1 1→4", text);
        Assert.Contains("better than the best so far 10", text);
        Assert.Contains("50.0", text);
    }

    [Fact]
    public void A_regression_says_it_is_worse_and_by_how_much()
    {
        var (kind, text) = ReflectionWriter.Reflect(TestSpecs.Branin(), Record(2, 12.0), Record(1, 10.0, x1: "3"));
        Assert.Equal(JournalEntryKind.Reflection, kind);
        Assert.Contains("20.0", text);
        Assert.Contains("clearly worse", text);
    }

    [Fact]
    public void A_failure_is_a_dead_end_with_its_reason()
    {
        var failed = Record(3, null, ExperimentStatus.Failed) with { Failure = FailureKind.OutOfMemory, Reason = "killed: out of memory (limit 512 MiB)\nmore" };
        var (kind, text) = ReflectionWriter.Reflect(TestSpecs.Branin(), failed, Record(1, 10.0));
        Assert.Equal(JournalEntryKind.DeadEnd, kind);
        Assert.Contains("out of memory", text);
        Assert.Contains("limit 512 MiB", text);
        Assert.DoesNotContain("more", text);
    }
}
