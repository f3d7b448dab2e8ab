using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// A control request for a campaign (or one agent when <see cref="AgentId"/> is set). Requests are queued in the ledger so
/// that any process (CLI, console) can make one; the campaign's host applies it and records the outcome.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ControlRequest")]
public sealed record ControlRequest
{
    /// <summary>Ledger id; 0 before it is queued.</summary>
    [Id(0)] public long Id { get; init; }
    [Id(1)] public required string CampaignId { get; init; }

    /// <summary>The agent it applies to; null for the whole campaign.</summary>
    [Id(2)] public string? AgentId { get; init; }
    [Id(3)] public required ControlAction Action { get; init; }

    /// <summary>New budget values for <see cref="ControlAction.SetBudget"/>.</summary>
    [Id(4)] public BudgetChange? Budget { get; init; }
    [Id(5)] public string Reason { get; init; } = "";
    [Id(6)] public string RequestedBy { get; init; } = "";
    [Id(7)] public required DateTimeOffset RequestedAt { get; init; }
    [Id(8)] public DateTimeOffset? AppliedAt { get; init; }

    /// <summary>What happened when it was applied (or why it was refused).</summary>
    [Id(9)] public string? Outcome { get; init; }

    /// <summary>What kind of outcome <see cref="Outcome"/> is; null while queued (and for rows applied before it was recorded).</summary>
    [Id(10)] public ControlOutcomeKind? OutcomeKind { get; init; }

    /// <summary>The experiment (its number in the campaign) a <see cref="ControlAction.StopExperiment"/> is about.</summary>
    [Id(11)] public int? ExperimentSequence { get; init; }

    /// <summary>New limits for <see cref="ControlAction.SetLimits"/>.</summary>
    [Id(12)] public LimitsChange? Limits { get; init; }

    /// <summary>The parameter values of a <see cref="ControlAction.TryConfiguration"/> (typed, parsed against the benchmark's space where the person gave them; Id 13 held them as text before).</summary>
    [Id(14)] public ParameterSet? Parameters { get; init; }

    /// <summary>Applied and refused (decided by <see cref="OutcomeKind"/>, never by the text).</summary>
    public bool IsRefused => OutcomeKind == ControlOutcomeKind.Refused;

    /// <summary>Applied and it changed something.</summary>
    public bool TookEffect => AppliedAt is not null && OutcomeKind == ControlOutcomeKind.Applied;
}
