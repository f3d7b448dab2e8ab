namespace AutoResearch.Abstractions.Grains;

/// <summary>Occupancy of a fleet's sandbox slots.</summary>
[GenerateSerializer, Immutable]
public sealed record FleetStatus
{
    [Id(0)] public required int Slots { get; init; }
    [Id(1)] public required int Busy { get; init; }
    [Id(2)] public required int Waiting { get; init; }
}
