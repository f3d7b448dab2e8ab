using AutoResearch.Abstractions.Parameters;

namespace AutoResearch.Grains.Agents;

/// <summary>A person's configuration queued as an agent's next proposal ("try this next"), kept in the agent's state until used.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.QueuedConfiguration")]
public sealed record QueuedConfiguration
{
    /// <summary>
    /// The values as text, as agent state written before the typed values holds them (Id 0); read only, when
    /// <see cref="Values"/> is absent. Stored state keeps reading without a migration.
    /// </summary>
    [Id(0)] public Dictionary<string, string>? LegacyParameters { get; init; }

    /// <summary>The typed values the person gave (parsed against the benchmark's space when the request was made).</summary>
    [Id(5)] public ParameterSet? Values { get; init; }

    /// <summary>The values the person gave (name → value); the others keep the benchmark's defaults.</summary>
    public ParameterSet Parameters
    {
        get => Values ?? ParameterSet.FromStored(LegacyParameters);
        init => Values = value;
    }

    [Id(1)] public string RequestedBy { get; init; } = "";
    [Id(2)] public string Reason { get; init; } = "";
    [Id(3)] public DateTimeOffset RequestedAt { get; init; }

    /// <summary>The control request that queued it.</summary>
    [Id(4)] public long ControlId { get; init; }
}
