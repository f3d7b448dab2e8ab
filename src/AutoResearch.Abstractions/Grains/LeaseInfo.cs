namespace AutoResearch.Abstractions.Grains;

/// <summary>A lease held now, as fleet status shows it.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.LeaseInfo")]
public sealed record LeaseInfo
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string AgentId { get; init; }
    [Id(2)] public required int Slot { get; init; }
    [Id(3)] public List<string> GpuDeviceIds { get; init; } = [];
    [Id(4)] public required DateTimeOffset Since { get; init; }
}
