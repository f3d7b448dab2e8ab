namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// The <c>holdout:</c> section of a benchmark: it has a held-out evaluation. A held-out run is a normal sandbox run with
/// <c>AR_EVAL=holdout</c> (tuning runs get <c>AR_EVAL=tune</c>); the benchmark's scripts decide what held-out means
/// (a test split, held-out text, other problem sizes). Absent: the benchmark has none and nothing is re-validated.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.HoldoutSpec")]
public sealed record HoldoutSpec
{
    /// <summary>Held-out runs per re-validated result (each with a fresh seed); the default is 2.</summary>
    [Id(0)] public int Repeats { get; init; } = 2;

    /// <summary>The most held-out runs per result a benchmark may ask for.</summary>
    public const int MaxRepeats = 20;
}
