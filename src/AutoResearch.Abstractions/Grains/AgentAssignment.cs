using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>What a campaign hands an agent when it starts it.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentAssignment
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required AgentSpec Agent { get; init; }
    [Id(2)] public required BenchmarkSpec Benchmark { get; init; }
}
