using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>The campaign's answer when an agent asks to start another experiment.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ExperimentTicket")]
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

    /// <summary>What to run: a proposal, the baseline, or a repeat of <see cref="RepeatOf"/>.</summary>
    [Id(5)] public ExperimentKind Kind { get; init; }

    /// <summary>For repeats: the experiment whose parameters and edits to re-run with a new seed.</summary>
    [Id(6)] public ExperimentRecord? RepeatOf { get; init; }

    /// <summary>Not granted now, but ask again later (campaign paused, or waiting for running work).</summary>
    [Id(7)] public bool Retry { get; init; }

    /// <summary>The campaign deadline: the experiment must be able to finish by then.</summary>
    [Id(8)] public DateTimeOffset? MustFinishBy { get; init; }

    /// <summary>The campaign's current best, to build on.</summary>
    [Id(9)] public LeaderboardEntry? Best { get; init; }

    /// <summary>The worst-case use the campaign reserved for this experiment (released when it is reported).</summary>
    [Id(10)] public ResourceUse Reserved { get; init; } = ResourceUse.Zero;
}
