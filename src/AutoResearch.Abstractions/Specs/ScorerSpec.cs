namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// The trusted scorer of a benchmark (<c>scorer:</c> in <c>benchmark.yaml</c>): after the edited training run wrote its artifact
/// to <c>out/</c>, a second, fresh sandbox holding only these files and that artifact (read-only) computes the objective.
/// Its files are never mounted into the training run and are never editable.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ScorerSpec")]
public sealed record ScorerSpec
{
    /// <summary>argv of the scorer inside its sandbox, relative to the work directory.</summary>
    [Id(0)] public required List<string> Command { get; init; }

    /// <summary>Files (relative to the benchmark folder) copied into the scorer's work directory: its code and the evaluation data.</summary>
    [Id(1)] public required List<string> Files { get; init; }

    /// <summary>Wall-clock limit of the scoring run.</summary>
    [Id(2)] public required TimeSpan TimeLimit { get; init; }

    /// <summary>Docker image of the scorer; null: the benchmark's image.</summary>
    [Id(3)] public string? Image { get; init; }
}
