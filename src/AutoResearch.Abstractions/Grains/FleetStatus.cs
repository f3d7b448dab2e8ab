namespace AutoResearch.Abstractions.Grains;

/// <summary>Occupancy of one fleet's (one Docker host's) sandbox slots.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.FleetStatus")]
public sealed record FleetStatus
{
    [Id(0)] public required int Slots { get; init; }
    [Id(1)] public required int Busy { get; init; }
    [Id(2)] public required int Waiting { get; init; }

    /// <summary>GPU device ids the fleet hands out, and those held by running experiments.</summary>
    [Id(3)] public List<string> GpuDeviceIds { get; init; } = [];
    [Id(4)] public List<string> BusyGpuDeviceIds { get; init; } = [];

    /// <summary>Leases held now.</summary>
    [Id(5)] public List<LeaseInfo> Leases { get; init; } = [];

    /// <summary>Slot-seconds each campaign and agent has held (the fair-share accounts).</summary>
    [Id(6)] public Dictionary<string, double> CampaignSlotSeconds { get; init; } = [];
    [Id(7)] public Dictionary<string, double> AgentSlotSeconds { get; init; } = [];

    /// <summary>The fleet's host: the name of the silo (Docker host) it belongs to and is pinned to.</summary>
    [Id(8)] public string Host { get; init; } = "";

    /// <summary>Requests waiting for a slot now (as many as <see cref="Waiting"/>), each with whose it is.</summary>
    [Id(9)] public List<WaitingInfo> Waiters { get; init; } = [];
}
