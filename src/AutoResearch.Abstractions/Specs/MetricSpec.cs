namespace AutoResearch.Abstractions.Specs;

/// <summary>The objective a benchmark reports and the direction that counts as better.</summary>
[GenerateSerializer, Immutable]
public sealed record MetricSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required Direction Direction { get; init; }

    /// <summary>True when <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/>.</summary>
    public bool IsBetter(double candidate, double incumbent) =>
        Direction == Direction.Minimize ? candidate < incumbent : candidate > incumbent;
}
