namespace AutoResearch.Abstractions.Grains;

/// <summary>The campaign's answer when an agent asks to start another experiment.</summary>
[GenerateSerializer, Immutable]
public sealed record ExperimentTicket
{
    [Id(0)] public required bool Granted { get; init; }

    /// <summary>Per-campaign sequence number of the experiment to record.</summary>
    [Id(1)] public int Sequence { get; init; }

    /// <summary>True when this experiment must be the baseline (defaults, no edits).</summary>
    [Id(2)] public bool IsBaseline { get; init; }

    /// <summary>Why no ticket was granted.</summary>
    [Id(3)] public string? Reason { get; init; }

    /// <summary>Sandbox slots the campaign may use at once.</summary>
    [Id(4)] public int MaxSlots { get; init; }
}
