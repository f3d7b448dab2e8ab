namespace AutoResearch.Abstractions.Experiments;

/// <summary>One reported metric value, optionally at a training step.</summary>
[GenerateSerializer, Immutable]
public sealed record MetricPoint
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required double Value { get; init; }
    [Id(2)] public long? Step { get; init; }
}
