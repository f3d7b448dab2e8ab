using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Evaluation.Tests;

/// <summary>Model-call outcomes and purposes are typed; the ledger keeps the text codes it always stored.</summary>
public sealed class ModelCallCodesTests
{
    [Theory]
    [InlineData("ok", ModelCallOutcome.Ok)]
    [InlineData("OK", ModelCallOutcome.Ok)]
    [InlineData("retry", ModelCallOutcome.Retry)]
    [InlineData("failed", ModelCallOutcome.Failed)]
    [InlineData("refused", ModelCallOutcome.Refused)]
    [InlineData("error", ModelCallOutcome.Other)]
    public void Stored_outcome_codes_read_back_typed(string code, ModelCallOutcome outcome)
    {
        var call = new ModelCallRecord { Id = "1", CampaignId = "c", AgentId = "a", Provider = "p", Model = "m", Outcome = code, At = DateTimeOffset.UnixEpoch };

        Assert.Equal(outcome, call.OutcomeKind);
    }

    [Fact]
    public void Every_code_written_reads_back_as_itself()
    {
        Assert.All(Enum.GetValues<ModelCallOutcome>().Where(o => o != ModelCallOutcome.Other), o => Assert.Equal(o, ModelCallCodes.Outcome(ModelCallCodes.Text(o))));
        Assert.All(Enum.GetValues<ModelCallPurpose>().Where(p => p != ModelCallPurpose.Other), p => Assert.Equal(p, ModelCallCodes.Purpose(ModelCallCodes.Text(p))));
        // The codes stored before they were typed.
        Assert.Equal(["ok", "retry", "failed", "refused"], new[] { ModelCallOutcome.Ok, ModelCallOutcome.Retry, ModelCallOutcome.Failed, ModelCallOutcome.Refused }.Select(ModelCallCodes.Text));
        Assert.Equal(["propose", "repair", "reflect", ReportAdvice.Purpose], new[] { ModelCallPurpose.Propose, ModelCallPurpose.Repair, ModelCallPurpose.Reflect, ModelCallPurpose.ReportAdvice }.Select(ModelCallCodes.Text));
        Assert.Equal(ModelCallPurpose.Other, ModelCallCodes.Purpose("proposal"));
        Assert.True(ModelCallCodes.IsProposal(ModelCallPurpose.Repair));
        Assert.False(ModelCallCodes.IsProposal(ModelCallPurpose.Reflect));
    }
}
