namespace AutoResearch.Abstractions.Specs;

/// <summary>A validated <c>benchmark.yaml</c>: what to run, what may change, what to measure.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.BenchmarkSpec")]
public sealed record BenchmarkSpec
{
    [Id(0)] public required string Name { get; init; }

    /// <summary>Absolute path of the benchmark folder on the host.</summary>
    [Id(1)] public required string Directory { get; init; }

    /// <summary>Docker image reference the run uses (e.g. <c>autoresearch/digits-mlp:latest</c>).</summary>
    [Id(2)] public required string Image { get; init; }

    /// <summary>argv of the run inside the sandbox, relative to the work directory.</summary>
    [Id(3)] public required List<string> Command { get; init; }

    /// <summary>Files (relative to the benchmark folder) copied into the sandbox work directory.</summary>
    [Id(4)] public required List<string> Files { get; init; }

    /// <summary>Files an agent may edit (a subset of <see cref="Files"/>).</summary>
    [Id(5)] public List<string> Editable { get; init; } = [];

    [Id(6)] public List<ParameterSpec> Parameters { get; init; } = [];
    [Id(7)] public required MetricSpec Metric { get; init; }
    [Id(8)] public required TimeSpan TimeLimit { get; init; }
    [Id(9)] public ResourceSpec Resources { get; init; } = new();

    /// <summary>Optional task description for agents (a program.md-style file, relative to the folder).</summary>
    [Id(10)] public string? Description { get; init; }

    /// <summary>Known optimum of the objective, when the benchmark has one (synthetic functions).</summary>
    [Id(11)] public double? KnownOptimum { get; init; }

    /// <summary>Early stopping of hopeless runs from intermediate metric points; off by default.</summary>
    [Id(12)] public EarlyStoppingSpec EarlyStopping { get; init; } = new();

    /// <summary>The benchmark's held-out evaluation (<c>holdout:</c>), used to re-validate kept results; null when it has none.</summary>
    [Id(13)] public HoldoutSpec? Holdout { get; init; }

    /// <summary>
    /// The trusted scorer; null: the run itself reports the objective (METRIC lines on stdout or <c>result.json</c>).
    /// When set, the objective comes only from the scorer; the training run's METRIC lines are recorded as untrusted points.
    /// </summary>
    [Id(14)] public ScorerSpec? Scorer { get; init; }

    /// <summary>
    /// Parameters the campaign pins (campaign file <c>parameters: { name: value }</c>): not searched, not in <see cref="Parameters"/>;
    /// every run gets each one's <see cref="ParameterSpec.Default"/>, the pinned value. Empty as the benchmark file declares it.
    /// </summary>
    [Id(20)] public List<ParameterSpec> FixedParameters { get; init; } = [];

    /// <summary>The seed every run gets as <c>AR_SEED</c> when the campaign pins it (<c>parameters: { seed: 0 }</c> for a benchmark
    /// without a parameter named seed); null: each run draws its own. Pinned, repeats cannot measure noise.</summary>
    [Id(21)] public int? FixedSeed { get; init; }

    /// <summary>What a run is given: the searched parameters, then the pinned ones (whose defaults are their pinned values).</summary>
    public List<ParameterSpec> RunParameters() => FixedParameters.Count == 0 ? Parameters : [.. Parameters, .. FixedParameters];

    /// <summary>Baseline parameter values (each parameter's default).</summary>
    public AutoResearch.Abstractions.Parameters.ParameterSet Defaults() => AutoResearch.Abstractions.Parameters.ParameterSet.Defaults(Parameters);
}
