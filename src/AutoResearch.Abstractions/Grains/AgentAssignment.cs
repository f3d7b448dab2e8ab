using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>What a campaign hands an agent when it starts it.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.AgentAssignment")]
public sealed record AgentAssignment
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required AgentSpec Agent { get; init; }
    [Id(2)] public required BenchmarkSpec Benchmark { get; init; }

    /// <summary>Experiments the agent keeps in flight at once (its share of slots, plus a ready proposal).</summary>
    [Id(3)] public int Workers { get; init; } = 1;

    /// <summary>The campaign's share of the fleet, passed to the fleet with each slot request.</summary>
    [Id(4)] public double CampaignWeight { get; init; } = 1;

    /// <summary>Sandbox slots the campaign may use at once.</summary>
    [Id(5)] public int MaxSlots { get; init; }

    /// <summary>The campaign's approval thresholds: an experiment above them waits for a person before it asks for a slot.</summary>
    [Id(6)] public ApprovalPolicy Approval { get; init; } = new();
}
