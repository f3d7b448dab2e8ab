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
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = x1, ["x2"] = "2" }),
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

    [Fact]
    public void A_rejected_proposal_describes_the_rejection_not_the_settings()
    {
        var rejected = Record(4, null, ExperimentStatus.Failed, x1: "9") with
        {
            Failure = FailureKind.Rejected,
            Reason = "the answer is not a proposal (model m).\nThe rejected proposal: \"raise x1\"; parameters against the best: x1 1→9",
        };
        var (kind, text) = ReflectionWriter.Reflect(TestSpecs.Branin(), rejected, Record(1, 10.0));
        Assert.Equal(JournalEntryKind.DeadEnd, kind);
        Assert.StartsWith("Proposal rejected before running: the answer is not a proposal (model m). The rejected proposal", text);
        Assert.DoesNotContain("avoid this setting", text);
        Assert.DoesNotContain("\n", text);
    }

    [Fact]
    public void A_code_only_edit_is_summarized_from_its_diff()
    {
        var edited = Record(5, 12.0, x1: "1") with { Diff = "--- a/train.py\n+++ b/train.py\n@@ -1,3 +1,4 @@\n-a = 1\n+a = 2\n+b = 3\n c = 4\n" };
        var (_, text) = ReflectionWriter.Reflect(TestSpecs.Branin(), edited, Record(1, 10.0, x1: "1"));
        Assert.Contains("Tried a code change to train.py (+2 −1 lines)", text);
        Assert.DoesNotContain("best settings again", text);
    }
}
