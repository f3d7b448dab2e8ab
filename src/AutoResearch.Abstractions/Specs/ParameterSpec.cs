namespace AutoResearch.Abstractions.Specs;

/// <summary>A typed, bounded parameter a benchmark exposes to proposers. Its default is the baseline.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ParameterSpec")]
public sealed record ParameterSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required ParameterType Type { get; init; }
    [Id(2)] public double? Min { get; init; }
    [Id(3)] public double? Max { get; init; }
    [Id(4)] public bool Log { get; init; }
    [Id(5)] public List<string> Choices { get; init; } = [];

    /// <summary>The baseline value, formatted invariantly (e.g. "0.01", "64", "relu").</summary>
    [Id(6)] public required string Default { get; init; }
}
