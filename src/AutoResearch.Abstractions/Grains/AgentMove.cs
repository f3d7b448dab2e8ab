namespace AutoResearch.Abstractions.Grains;

/// <summary>
/// A campaign's request that one of its agents move to another host: <see cref="ToHost"/> has had
/// <see cref="FreeSlots"/> free slots for a while, while the agent's host <see cref="FromHost"/> has <see cref="Waiting"/>
/// requests waiting for one.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.AgentMove")]
public sealed record AgentMove
{
    [Id(0)] public required string ToHost { get; init; }
    [Id(1)] public required int FreeSlots { get; init; }
    [Id(2)] public required string FromHost { get; init; }
    [Id(3)] public required int Waiting { get; init; }

    /// <summary>The agent's journal line: "Moving to host b: it has 2 free slots while host a has 3 waiting."</summary>
    public string Describe() =>
        $"Moving to host {ToHost}: it has {FreeSlots} free slot{(FreeSlots == 1 ? "" : "s")} while host {FromHost} has {Waiting} waiting. " +
        "Experiments already running here finish first; those waiting for a slot go with me.";
}
