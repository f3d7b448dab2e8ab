using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Grains;

/// <summary>The leaderboard's decision about one result: its verdict, confidence, the margin it faced, and the new best if accepted.</summary>
public sealed record Judgement(
    ExperimentRecord Experiment,
    AcceptanceVerdict Verdict,
    double? Confidence,
    double? Margin,
    LeaderboardEntry? NewBest,
    string Why);
