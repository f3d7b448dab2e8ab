namespace AutoResearch.Abstractions.Experiments;

/// <summary>A finished experiment as proposers see it: the parameters and the objective (null when it failed).</summary>
[GenerateSerializer, Immutable]
public sealed record Observation
{
    [Id(0)] public required Dictionary<string, string> Parameters { get; init; }
    [Id(1)] public double? Objective { get; init; }
}
