using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>Failed experiments sharing one cause, with one example.</summary>
public sealed record FailureGroup
{
    public required FailureKind Kind { get; init; }
    public required int Count { get; init; }
    public required string ExampleExperimentId { get; init; }
    public string? ExampleReason { get; init; }
}
