using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>A campaign as the ledger holds it.</summary>
public sealed record CampaignRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required CampaignSpec Spec { get; init; }
    public required CampaignState State { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public DateTimeOffset? Deadline { get; init; }
    public string? Reason { get; init; }
}
