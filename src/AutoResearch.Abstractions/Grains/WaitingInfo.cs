namespace AutoResearch.Abstractions.Grains;

/// <summary>A request waiting for a slot now, as fleet status shows it.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.WaitingInfo")]
public sealed record WaitingInfo
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string AgentId { get; init; }
    [Id(2)] public required DateTimeOffset Since { get; init; }
}
