using AutoResearch.Abstractions.Parameters;
namespace AutoResearch.Web.Campaigns;

/// <summary>One experiment in a list: what it was, how it ended (or how long it has run).</summary>
public sealed record ExperimentSummary(
    int Sequence,
    string Id,
    string Agent,
    string Kind,
    string Status,
    string Verdict,
    double? Objective,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double? Seconds,
    string Hypothesis,
    string? Reason,
    ParameterSet Parameters,
    AutoResearch.Abstractions.Experiments.FailureKind Failure = AutoResearch.Abstractions.Experiments.FailureKind.None,
    string? EndedBecause = null)
{
    /// <summary>
    /// Why a finished experiment ended, in a few words from its typed outcome (the full <see cref="Reason"/>, often a log
    /// excerpt, is shown behind a disclosure); null while it runs or when it simply succeeded.
    /// </summary>
    public static string? Because(AutoResearch.Abstractions.Experiments.ExperimentRecord e) => e.Failure switch
    {
        AutoResearch.Abstractions.Experiments.FailureKind.Timeout => "hit the time limit",
        AutoResearch.Abstractions.Experiments.FailureKind.OutOfMemory => "out of memory",
        AutoResearch.Abstractions.Experiments.FailureKind.Crash => e.ExitCode is { } code ? $"crashed (exit code {code})" : "crashed",
        AutoResearch.Abstractions.Experiments.FailureKind.NoMetric => "reported no metric",
        AutoResearch.Abstractions.Experiments.FailureKind.Rejected => "rejected before running",
        AutoResearch.Abstractions.Experiments.FailureKind.SandboxError => "sandbox error",
        AutoResearch.Abstractions.Experiments.FailureKind.NotRun => "never started (no slot in time)",
        AutoResearch.Abstractions.Experiments.FailureKind.StoppedByPerson => "stopped by a person",
        AutoResearch.Abstractions.Experiments.FailureKind.RejectedByPerson => "rejected by a person (awaited approval)",
        _ => e.Status == AutoResearch.Abstractions.Experiments.ExperimentStatus.Pruned ? "stopped early (hopeless curve)" : null,
    };
}
