using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Grains.Tests;

/// <summary>The back-off and allowance of a model agent's rejected proposals, decided from the ledger's record of its proposals.</summary>
public sealed class ModelTurnPolicyTests
{
    private static readonly ModelTurnPolicy Policy = new();
    private int _sequence;

    private ExperimentRecord Turn(string proposer, bool rejected, string reason = "bad answer", ProposalOrigin origin = ProposalOrigin.Model) => new()
    {
        Id = $"c/{++_sequence:D4}",
        CampaignId = "c",
        AgentId = "llm-1",
        Sequence = _sequence,
        ProposerName = proposer,
        Origin = origin,
        Parameters = [],
        Kind = ExperimentKind.Proposal,
        Status = rejected ? ExperimentStatus.Failed : ExperimentStatus.Succeeded,
        Failure = rejected ? FailureKind.Rejected : FailureKind.None,
        Reason = rejected ? $"{reason} {_sequence}" : null,
        Attempt = rejected ? 0 : 1,
        QueuedAt = DateTimeOffset.UnixEpoch,
    };

    private ExperimentRecord Rejected() => Turn("llm", rejected: true);
    private ExperimentRecord Accepted() => Turn("llm", rejected: false);
    private ExperimentRecord BackOffTurn() => Turn(FallbackProposals.BackOffName("tpe"), rejected: false, origin: ProposalOrigin.BackOff);

    [Fact]
    public void Three_rejections_in_a_row_start_a_back_off_then_the_model_is_asked_again_with_the_reasons()
    {
        var history = new List<ExperimentRecord> { Rejected(), Rejected() };
        Assert.Equal(ModelTurnKind.Model, Policy.Decide(history, 20).Kind);

        history.Add(Rejected());
        var backOff = Policy.Decide(history, 20);
        Assert.Equal((ModelTurnKind.BackOff, true, 2, 2, 3, 3), (backOff.Kind, backOff.Starts, backOff.BackOffSpan, backOff.BackOffTurnsLeft, backOff.Consecutive, backOff.Rejections));

        history.Add(BackOffTurn());
        var second = Policy.Decide(history, 20);
        Assert.Equal((ModelTurnKind.BackOff, false, 1), (second.Kind, second.Starts, second.BackOffTurnsLeft));

        history.Add(BackOffTurn());
        var retry = Policy.Decide(history, 20);
        Assert.Equal((ModelTurnKind.RetryModel, 3), (retry.Kind, retry.Consecutive));
        Assert.Equal(["bad answer 1", "bad answer 2", "bad answer 3"], retry.RecentRejections);
    }

    [Fact]
    public void A_rejection_after_a_back_off_starts_a_twice_as_long_one_and_a_usable_answer_starts_over()
    {
        var history = new List<ExperimentRecord> { Rejected(), Rejected(), Rejected(), BackOffTurn(), BackOffTurn(), Rejected() };
        var longer = Policy.Decide(history, 20);
        Assert.Equal((ModelTurnKind.BackOff, true, 4, 1, 2), (longer.Kind, longer.Starts, longer.BackOffSpan, longer.Consecutive, longer.BackOffs));

        history.AddRange([BackOffTurn(), BackOffTurn(), BackOffTurn(), BackOffTurn(), Accepted(), Rejected()]);
        var after = Policy.Decide(history, 20);
        Assert.Equal((ModelTurnKind.Model, 1, 5), (after.Kind, after.Consecutive, after.Rejections));
        Assert.Equal(["bad answer 12"], after.RecentRejections);
    }

    [Fact]
    public void A_rejection_asked_before_the_back_off_began_does_not_restart_it()
    {
        var history = new List<ExperimentRecord> { Rejected(), Rejected(), Rejected(), Rejected() };
        var turn = Policy.Decide(history, 20);
        Assert.Equal((ModelTurnKind.BackOff, true, 2, 2, 4), (turn.Kind, turn.Starts, turn.BackOffSpan, turn.BackOffTurnsLeft, turn.Rejections));
    }

    [Fact]
    public void The_allowance_used_up_hands_every_remaining_turn_to_the_fallback_and_says_so_once()
    {
        var history = new List<ExperimentRecord> { Rejected(), Rejected(), Rejected(), BackOffTurn(), BackOffTurn(), Rejected() };
        var exhausted = Policy.Decide(history, 4);
        Assert.Equal((ModelTurnKind.Exhausted, true, 4, 4), (exhausted.Kind, exhausted.Starts, exhausted.Rejections, exhausted.MaxRejections));
        history.Add(Turn(FallbackProposals.ExhaustedName("tpe"), rejected: false, origin: ProposalOrigin.RejectionsUsedUp));
        var later = Policy.Decide(history, 4);
        Assert.Equal((ModelTurnKind.Exhausted, false), (later.Kind, later.Starts));
    }

    [Fact]
    public void Settings_are_read_and_validated_and_the_default_allowance_is_twice_the_fair_share()
    {
        var policy = ModelTurnPolicy.From(new Dictionary<string, string> { ["backoff_after"] = "2", ["backoff_turns"] = "3", ["backoff_max_turns"] = "5" });
        Assert.Equal((2, 3, 5, (int?)null), (policy.BackOffAfter, policy.BackOffTurns, policy.BackOffMaxTurns, policy.MaxRejections));
        Assert.Equal(14, policy.AllowanceFor(21, 1, 3));
        Assert.Equal(6, ModelTurnPolicy.From(new Dictionary<string, string> { ["max_rejections"] = "6" }).AllowanceFor(21, 1, 3));
        Assert.Null(ModelTurnPolicy.WhyInvalid("max_rejections", "6"));
        Assert.Null(ModelTurnPolicy.WhyInvalid("temperature", "0"));
        Assert.Equal("setting 'max_rejections' must be a whole number from 1 to 100000 (got '0')", ModelTurnPolicy.WhyInvalid("max_rejections", "0"));
        Assert.NotNull(ModelTurnPolicy.WhyInvalid("backoff_after", "three"));
    }
}
