namespace AutoResearch.Abstractions.Experiments;

/// <summary>One reported metric value, optionally at a training step.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.MetricPoint")]
public sealed record MetricPoint
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required double Value { get; init; }
    [Id(2)] public long? Step { get; init; }

    /// <summary>
    /// Printed by code under test (the training run of a benchmark with a trusted scorer): it may drive early stopping
    /// but never becomes the objective.
    /// </summary>
    [Id(3), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Untrusted { get; init; }
}
