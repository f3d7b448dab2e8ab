namespace AutoResearch.Abstractions.Experiments;

/// <summary>New campaign limits to set while it runs (<see cref="ControlAction.SetLimits"/>); null leaves a value as it is.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.LimitsChange")]
public sealed record LimitsChange
{
    /// <summary>The new deadline (must be in the future).</summary>
    [Id(0)] public DateTimeOffset? Deadline { get; init; }

    /// <summary>The most experiments of the search (at least the experiments already granted).</summary>
    [Id(1)] public int? MaxExperiments { get; init; }

    /// <summary>Sandbox slots the campaign may use (1 to the fleet's).</summary>
    [Id(2)] public int? Slots { get; init; }

    public bool IsEmpty => Deadline is null && MaxExperiments is null && Slots is null;
}
