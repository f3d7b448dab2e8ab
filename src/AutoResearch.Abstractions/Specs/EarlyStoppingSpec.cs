namespace AutoResearch.Abstractions.Specs;

/// <summary>The <c>early_stopping</c> section of a benchmark: off unless a rule is named.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.EarlyStoppingSpec")]
public sealed record EarlyStoppingSpec
{
    [Id(0)] public EarlyStoppingRule Rule { get; init; }

    /// <summary>Metric whose steps are compared; null means the objective metric.</summary>
    [Id(1)] public string? Metric { get; init; }

    /// <summary>No run is stopped before this step (grace period).</summary>
    [Id(2)] public long MinStep { get; init; } = 1;

    /// <summary>Finished runs with a point at the step needed before a comparison counts.</summary>
    [Id(3)] public int MinRuns { get; init; } = 3;

    /// <summary>Successive halving: reduction factor between rungs (keep the top 1/eta).</summary>
    [Id(4)] public double Eta { get; init; } = 3;

    public bool Enabled => Rule != EarlyStoppingRule.None;
}
