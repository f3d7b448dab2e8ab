namespace AutoResearch.Abstractions.Grains;

/// <summary>The fleet's answer: a lease, nothing yet (ask again), or a refusal that will not change.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.SlotGrant")]
public sealed record SlotGrant
{
    [Id(0)] public SlotLease? Lease { get; init; }

    /// <summary>Why the request can never be served (e.g. the deadline is too close, more GPUs than the fleet has).</summary>
    [Id(1)] public string? Refusal { get; init; }

    public static SlotGrant Wait { get; } = new();
}
