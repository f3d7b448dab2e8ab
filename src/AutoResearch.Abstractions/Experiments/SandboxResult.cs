namespace AutoResearch.Abstractions.Experiments;

/// <summary>What came out of one sandboxed run.</summary>
public sealed record SandboxResult
{
    public required ExperimentStatus Status { get; init; }
    public FailureKind Failure { get; init; }

    /// <summary>Human-readable reason on failure (includes exit code and the end of the output).</summary>
    public string? Reason { get; init; }

    public string? ContainerId { get; init; }
    public string? ImageId { get; init; }
    public long? ExitCode { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>Last value of the objective metric; null when the run failed.</summary>
    public double? Objective { get; init; }

    /// <summary>Every metric point reported, in order.</summary>
    public IReadOnlyList<MetricPoint> Metrics { get; init; } = [];

    /// <summary>What the runner noticed and set aside (rejected metric values, ignored lines, skipped files, disagreements); also appended to <see cref="LogTail"/>.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public string LogHead { get; init; } = "";
    public string LogTail { get; init; } = "";

    /// <summary>Whether the artifacts folder was not fully copied (a file or byte cap, the time limit, or an error); a note says which.</summary>
    public bool ArtifactsTruncated { get; init; }
}
