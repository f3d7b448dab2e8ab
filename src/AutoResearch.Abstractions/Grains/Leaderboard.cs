using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Abstractions.Grains;

/// <summary>A campaign's accepted bests, baseline first, with the noise they were judged against.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.Leaderboard")]
public sealed record Leaderboard
{
    [Id(0)] public List<LeaderboardEntry> History { get; init; } = [];

    /// <summary>Run-to-run standard deviation measured from repeats; null until measured (or when noise measurement is off).</summary>
    [Id(1)] public double? NoiseStdDev { get; init; }

    /// <summary>Repeat groups and runs behind <see cref="NoiseStdDev"/>.</summary>
    [Id(2)] public int NoiseRuns { get; init; }

    /// <summary>The noise measurement and the acceptance rule it puts in force (identical repeats, minimum improvement).</summary>
    [Id(10)] public NoiseSummary Noise { get; init; } = new();

    public LeaderboardEntry? Best => History.Count == 0 ? null : History[^1];
}
