using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>An agent asks its campaign for one more experiment, saying what it may cost at most.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.TicketRequest")]
public sealed record TicketRequest
{
    [Id(0)] public required string AgentId { get; init; }

    /// <summary>Worst-case use of the experiment; the campaign reserves it against its budget until the experiment is reported.</summary>
    [Id(1)] public ResourceUse Estimate { get; init; } = ResourceUse.Zero;
}
