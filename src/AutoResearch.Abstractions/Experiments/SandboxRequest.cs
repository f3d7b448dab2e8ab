using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>Everything the sandbox runner needs to run one experiment.</summary>
public sealed record SandboxRequest
{
    public required string CampaignId { get; init; }
    public required string ExperimentId { get; init; }
    public required BenchmarkSpec Benchmark { get; init; }
    /// <summary>The typed values; the run gets their canonical text (<see cref="ParameterSet.ToText"/>).</summary>
    public required ParameterSet Parameters { get; init; }

    /// <summary>Files that replace the benchmark's copies in the work dir (relative path → content).</summary>
    public Dictionary<string, string> EditedFiles { get; init; } = [];

    /// <summary>Seed passed to the run as <c>AR_SEED</c>.</summary>
    public int Seed { get; init; }

    /// <summary>The evaluation to score on, passed to the run as <c>AR_EVAL</c> (<c>tune</c> or <c>holdout</c>).</summary>
    public EvaluationSplit Split { get; init; }

    /// <summary>GPU device ids assigned by the fleet (empty for CPU runs).</summary>
    public IReadOnlyList<string> GpuDeviceIds { get; init; } = [];

    /// <summary>Host folder where artifacts (<c>/work/out</c>) are copied after the run; null to skip.</summary>
    public string? ArtifactsDirectory { get; init; }

    /// <summary>
    /// Early stopping: called with each metric point while the run goes; a non-null answer is the reason to stop it now.
    /// The runner then kills the sandbox and returns <see cref="ExperimentStatus.Pruned"/> with that reason. Called from the
    /// runner's output thread, so it must be thread-safe and quick.
    /// </summary>
    public Func<MetricPoint, string?>? EarlyStop { get; init; }
}
