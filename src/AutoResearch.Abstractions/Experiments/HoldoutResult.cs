using AutoResearch.Abstractions.Parameters;
namespace AutoResearch.Abstractions.Experiments;

/// <summary>One re-validated result: its in-sample score (the runs it was selected on) beside its held-out score.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.HoldoutResult")]
public sealed record HoldoutResult
{
    [Id(0)] public required string ExperimentId { get; init; }
    [Id(1)] public required int Sequence { get; init; }
    [Id(2)] public string AgentId { get; init; } = "";
    [Id(3)] public bool IsBaseline { get; init; }

    /// <summary>Mean objective over its tuning runs (the experiment and its repeats); null when it has none.</summary>
    [Id(4)] public double? InSample { get; init; }
    [Id(5)] public int InSampleRuns { get; init; }

    /// <summary>Mean objective over its successful held-out runs; null when none succeeded (yet).</summary>
    [Id(6)] public double? HeldOut { get; init; }
    [Id(7)] public int HeldOutRuns { get; init; }

    /// <summary>Sample standard deviation of the held-out runs; null with fewer than two.</summary>
    [Id(8)] public double? HeldOutStdDev { get; init; }

    /// <summary>Held-out runs that failed or were stopped, and those still queued or running.</summary>
    [Id(9)] public int HeldOutFailed { get; init; }
    [Id(10)] public int HeldOutUnfinished { get; init; }

    [Id(11)] public HoldoutVerdict Verdict { get; init; }

    /// <summary>1 for the best held-out score among the re-validated results (the baseline is not ranked); null without a score.</summary>
    [Id(12)] public int? Rank { get; init; }

    /// <summary>Its typed parameter values (Id 13 held them as text before).</summary>
    [Id(15)] public ParameterSet Parameters { get; init; } = ParameterSet.Empty;

    /// <summary>
    /// Confidence that its held-out score beats the baseline's (one-sided t test over both held-out runs); null when it
    /// was not tested (no score, no reference, or neither side has two held-out runs to measure noise with).
    /// </summary>
    [Id(14)] public double? Confidence { get; init; }

    /// <summary>Held-out minus in-sample (objective units); null when either is missing.</summary>
    public double? Gap => HeldOut is { } h && InSample is { } i ? h - i : null;

    /// <summary>The typed "did not hold up" flag.</summary>
    public bool DidNotHoldUp => Verdict == HoldoutVerdict.DidNotHoldUp;
}
