using AutoResearch.Abstractions.Parameters;
namespace AutoResearch.Abstractions.Experiments;

/// <summary>One accepted best of a campaign. The leaderboard's history is the sequence of these, baseline first.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.LeaderboardEntry")]
public sealed record LeaderboardEntry
{
    [Id(0)] public required string CampaignId { get; init; }

    /// <summary>0 for the baseline, then 1, 2, … in the order bests were accepted.</summary>
    [Id(1)] public required int Index { get; init; }

    [Id(2)] public required string ExperimentId { get; init; }
    [Id(3)] public required int Sequence { get; init; }
    [Id(4)] public required string AgentId { get; init; }

    /// <summary>Mean objective over the runs (the experiment and its repeats).</summary>
    [Id(5)] public required double Objective { get; init; }

    /// <summary>Runs behind <see cref="Objective"/> (1 + repeats).</summary>
    [Id(6)] public int Runs { get; init; } = 1;

    /// <summary>Sample standard deviation of those runs; null with a single run.</summary>
    [Id(7)] public double? StdDev { get; init; }

    /// <summary>
    /// Campaign-wide confidence (corrected for the comparisons made) that it is really better than the previous best; null when
    /// no confidence could be measured and it was accepted by the minimum improvement (see <see cref="Reason"/>).
    /// </summary>
    [Id(8)] public double? Confidence { get; init; }

    /// <summary>The margin it beat, in objective units: the noise margin, or the minimum improvement when <see cref="Confidence"/> is null.</summary>
    [Id(9)] public double? Margin { get; init; }

    [Id(10)] public required DateTimeOffset AcceptedAt { get; init; }
    /// <summary>Its typed parameter values (Id 11 held them as text before).</summary>
    [Id(14)] public ParameterSet Parameters { get; init; } = ParameterSet.Empty;

    /// <summary>Edited files of the best code (relative path → content), for agents that build on it.</summary>
    [Id(12)] public Dictionary<string, string> EditedFiles { get; init; } = [];

    /// <summary>The grounds recorded when it was accepted; null on entries written before they were recorded (see <see cref="Reason"/>).</summary>
    [Id(13)] public AcceptanceReason? Grounds { get; init; }

    /// <summary>
    /// On what grounds it was accepted: index 0 is the reference; else the recorded <see cref="Grounds"/>; for older entries no
    /// confidence means the minimum improvement.
    /// </summary>
    public AcceptanceReason Reason => Index == 0 ? AcceptanceReason.Reference
        : Grounds ?? (Confidence is null ? AcceptanceReason.MinimumImprovement : AcceptanceReason.Confidence);
}
