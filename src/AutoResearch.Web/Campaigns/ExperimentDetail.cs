using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Web.Campaigns;

/// <summary>One experiment in full: parameters or diff, log head and tail, metric curve, sandbox limits, why it ended.</summary>
public sealed record ExperimentDetail(
    ExperimentSummary Summary,
    string CampaignId,
    string ProposerName,
    string? Diff,
    IReadOnlyList<string> EditedFiles,
    string Failure,
    long? ExitCode,
    int Attempt,
    int Seed,
    string? RepeatOf,
    double? Confidence,
    double? Margin,
    double CpuSeconds,
    double GpuSeconds,
    long Tokens,
    string? ImageId,
    string LogHead,
    string LogTail,
    IReadOnlyList<MetricPoint> Metrics,
    SandboxLimits Limits,
    string Metric,
    string Direction)
{
    /// <summary>The Docker host (fleet, silo name) whose runner started its latest attempt's container, and that container.</summary>
    public string? Host { get; init; }
    public string? ContainerId { get; init; }
}
