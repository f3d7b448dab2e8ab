using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>One experiment as the ledger holds it.</summary>
[GenerateSerializer, Immutable]
public sealed record ExperimentRecord
{
    /// <summary>Globally unique id (e.g. <c>demo-20261123-0907/explorer-1/0007</c>).</summary>
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string CampaignId { get; init; }
    [Id(2)] public required string AgentId { get; init; }

    /// <summary>Per-campaign sequence number, in the order experiments were proposed.</summary>
    [Id(3)] public required int Sequence { get; init; }

    [Id(4)] public required string ProposerName { get; init; }
    [Id(5)] public required Dictionary<string, string> Parameters { get; init; }
    [Id(6)] public string? Diff { get; init; }
    [Id(7)] public string Hypothesis { get; init; } = "";
    [Id(8)] public bool IsBaseline { get; init; }

    [Id(9)] public required ExperimentStatus Status { get; init; }
    [Id(10)] public FailureKind Failure { get; init; }
    [Id(11)] public string? Reason { get; init; }

    [Id(12)] public string? ImageId { get; init; }
    [Id(13)] public string? ContainerId { get; init; }
    [Id(14)] public long? ExitCode { get; init; }

    [Id(15)] public required DateTimeOffset QueuedAt { get; init; }
    [Id(16)] public DateTimeOffset? StartedAt { get; init; }
    [Id(17)] public DateTimeOffset? EndedAt { get; init; }

    [Id(18)] public double? Objective { get; init; }
    [Id(19)] public List<MetricPoint> Metrics { get; init; } = [];
    [Id(20)] public string LogHead { get; init; } = "";
    [Id(21)] public string LogTail { get; init; } = "";

    /// <summary>How many times it was started (more than 1 after a crash of the host re-queued it).</summary>
    [Id(22)] public int Attempt { get; init; }

    [Id(23)] public double CpuSeconds { get; init; }
    [Id(24)] public double GpuSeconds { get; init; }

    /// <summary>Seed passed to the run.</summary>
    [Id(25)] public int Seed { get; init; }

    /// <summary>Replacement file contents when the proposal edited files.</summary>
    [Id(26)] public Dictionary<string, string> EditedFiles { get; init; } = [];

    public bool IsFinished => Status is ExperimentStatus.Succeeded or ExperimentStatus.Failed;

    /// <summary>Succeeded with a finite objective: the only experiments that count for baselines and bests.</summary>
    public bool HasUsableObjective => Status == ExperimentStatus.Succeeded && Objective is { } v && double.IsFinite(v);

    public TimeSpan? Duration => StartedAt is { } s && EndedAt is { } e ? e - s : null;
}
