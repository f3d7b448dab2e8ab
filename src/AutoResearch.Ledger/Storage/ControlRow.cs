namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_controls</c>: control requests queued for a campaign's host; the id is assigned by the database.</summary>
public sealed class ControlRow
{
    public long Id { get; set; }
    public string CampaignId { get; set; } = "";
    public string? AgentId { get; set; }
    public string Action { get; set; } = "";
    public long? BudgetTokens { get; set; }
    public double? BudgetGpuSeconds { get; set; }
    public double? BudgetCpuSeconds { get; set; }
    public string Reason { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? AppliedAt { get; set; }
    public string? Outcome { get; set; }

    /// <summary><see cref="AutoResearch.Abstractions.Experiments.ControlOutcomeKind"/> name; null while queued (schema version 4).</summary>
    public string? OutcomeKind { get; set; }

    /// <summary>The experiment a <c>StopExperiment</c> is about (migration <c>ControlSteering</c>).</summary>
    public int? ExperimentSequence { get; set; }

    /// <summary>New limits of a <c>SetLimits</c>; null leaves a limit as it is.</summary>
    public DateTimeOffset? LimitDeadline { get; set; }
    public int? LimitMaxExperiments { get; set; }
    public int? LimitSlots { get; set; }

    /// <summary>The parameter values of a <c>TryConfiguration</c> (JSON object of name → value); null for other actions.</summary>
    public string? ParametersJson { get; set; }
}
