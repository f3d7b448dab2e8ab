namespace AutoResearch.Abstractions.Grains;

/// <summary>A sandbox slot handed to one experiment until released.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.SlotLease")]
public sealed record SlotLease
{
    [Id(0)] public required Guid LeaseId { get; init; }
    [Id(1)] public required int Slot { get; init; }
    [Id(2)] public List<string> GpuDeviceIds { get; init; } = [];

    /// <summary>When the fleet granted it.</summary>
    [Id(3)] public DateTimeOffset GrantedAt { get; init; }

    /// <summary>The fleet (Docker host, silo name) that granted it: the host whose runner starts the container.</summary>
    [Id(4)] public string? Host { get; init; }
}
