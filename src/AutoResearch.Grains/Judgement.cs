using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Grains;

/// <summary>The leaderboard's decision about one result: its verdict, confidence, the margin it faced, and the new best if accepted.</summary>
public sealed record Judgement(
    ExperimentRecord Experiment,
    AcceptanceVerdict Verdict,
    double? Confidence,
    double? Margin,
    LeaderboardEntry? NewBest,
    string Why)
{
    /// <summary>The rule that decided (a confidence test, or the minimum improvement when no confidence can be measured).</summary>
    public AcceptanceReason Reason { get; init; } = AcceptanceReason.Reference;
}
