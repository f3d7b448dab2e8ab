namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_experiments</c>: one row per experiment, upserted by id.</summary>
public sealed class ExperimentRow
{
    public string Id { get; set; } = "";
    public string CampaignId { get; set; } = "";
    public string AgentId { get; set; } = "";
    public int Sequence { get; set; }
    public string ProposerName { get; set; } = "";
    public string Status { get; set; } = "";
    public string Failure { get; set; } = "";
    public string? Reason { get; set; }
    public string? ImageId { get; set; }
    public string? ContainerId { get; set; }
    public long? ExitCode { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public double? Objective { get; set; }
    public int Attempt { get; set; }
    public double CpuSeconds { get; set; }
    public double GpuSeconds { get; set; }
    public int Seed { get; set; }
    public bool IsBaseline { get; set; }
    public string Hypothesis { get; set; } = "";
    public string? Diff { get; set; }
    public string LogHead { get; set; } = "";
    public string LogTail { get; set; } = "";
    public string ParametersJson { get; set; } = "{}";
    public string MetricsJson { get; set; } = "[]";
    public string EditedFilesJson { get; set; } = "{}";

    // Schema version 2.
    public string Kind { get; set; } = "Proposal";
    public string? RepeatOf { get; set; }
    public string Verdict { get; set; } = "NotJudged";
    public double? Confidence { get; set; }
    public double? Margin { get; set; }
    public DateTimeOffset? SlotStartedAt { get; set; }
    public DateTimeOffset? SlotEndedAt { get; set; }
    public long Tokens { get; set; }

    // Schema version 3.
    public string NotesJson { get; set; } = "[]";
    public bool ArtifactsTruncated { get; set; }

    /// <summary><see cref="AutoResearch.Abstractions.Experiments.ProposalOrigin"/> name (schema version 4).</summary>
    public string Origin { get; set; } = "Strategy";

    /// <summary>The Docker host (fleet, silo name) whose runner started the attempt's container (migration <c>ExperimentHost</c>).</summary>
    public string? Host { get; set; }
}
