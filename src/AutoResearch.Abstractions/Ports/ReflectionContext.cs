using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Ports;

/// <summary>What a reflector may look at: the finished experiment and the campaign's best before it.</summary>
public sealed record ReflectionContext
{
    public required BenchmarkSpec Benchmark { get; init; }
    public required ExperimentRecord Experiment { get; init; }
    public ExperimentRecord? BestBefore { get; init; }
    public required string CampaignId { get; init; }
    public required string AgentId { get; init; }

    /// <summary>Tokens the reflection may spend; null for no limit.</summary>
    public long? TokensLeft { get; init; }
}
