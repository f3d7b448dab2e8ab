using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>One row of the report's experiment table.</summary>
public sealed record ExperimentReportRow
{
    public required string Id { get; init; }
    public required int Sequence { get; init; }
    public required string AgentId { get; init; }
    public required string ProposerName { get; init; }
    public required ExperimentStatus Status { get; init; }
    public FailureKind Failure { get; init; }
    public bool IsBaseline { get; init; }

    /// <summary>True for the experiment holding the campaign's best objective.</summary>
    public bool IsBest { get; init; }

    /// <summary>True when, at the time it finished, it beat every earlier result.</summary>
    public bool IsNewBest { get; init; }

    public double? Objective { get; init; }
    public TimeSpan? Duration { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Minutes from the campaign start to when it finished (or was queued, if it never ran).</summary>
    public double? ElapsedMinutes { get; init; }

    /// <summary>Parameters that differ from the benchmark defaults, as <c>name=value</c> pairs.</summary>
    public required string KeyParameters { get; init; }

    public string Hypothesis { get; init; } = "";

    /// <summary>Why it failed; null when it did not.</summary>
    public string? Reason { get; init; }

    public double CpuSeconds { get; init; }
    public double GpuSeconds { get; init; }
    public bool HasEdits { get; init; }

    /// <summary>Why it ran (proposal, baseline, repeat) and, for repeats, the experiment it re-ran.</summary>
    public ExperimentKind Kind { get; init; }
    public string? RepeatOf { get; init; }

    /// <summary>Sequence number of <see cref="RepeatOf"/>, when it is in the ledger.</summary>
    public int? RepeatOfSequence { get; init; }

    /// <summary>The campaign's noise-aware judgement and its confidence.</summary>
    public AcceptanceVerdict Verdict { get; init; }
    public double? Confidence { get; init; }

    /// <summary>The noise margin it was judged against, in objective units.</summary>
    public double? Margin { get; init; }

    /// <summary>Model tokens its proposal cost.</summary>
    public long Tokens { get; init; }

    /// <summary>For runs stopped early: the CPU-seconds the stop gave back to the budget (reserved worst case − used); else 0.</summary>
    public double CpuSecondsRefunded { get; init; }
}
