namespace AutoResearch.Grains.Agents;

/// <summary>A person's configuration queued as an agent's next proposal ("try this next"), kept in the agent's state until used.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.QueuedConfiguration")]
public sealed record QueuedConfiguration
{
    /// <summary>The values the person gave (name → value); the others keep the benchmark's defaults.</summary>
    [Id(0)] public required Dictionary<string, string> Parameters { get; init; }
    [Id(1)] public string RequestedBy { get; init; } = "";
    [Id(2)] public string Reason { get; init; } = "";
    [Id(3)] public DateTimeOffset RequestedAt { get; init; }

    /// <summary>The control request that queued it.</summary>
    [Id(4)] public long ControlId { get; init; }
}
