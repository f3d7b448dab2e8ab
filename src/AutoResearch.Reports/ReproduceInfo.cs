namespace AutoResearch.Reports;

/// <summary>What it takes to run the best experiment again.</summary>
public sealed record ReproduceInfo
{
    public required string ExperimentId { get; init; }
    public required string AgentId { get; init; }
    public double? Objective { get; init; }

    /// <summary>Image id the run used, when the sandbox recorded it.</summary>
    public string? ImageId { get; init; }

    /// <summary>The benchmark's image reference.</summary>
    public required string Image { get; init; }

    /// <summary>The benchmark folder on the host the campaign ran from.</summary>
    public string BenchmarkDirectory { get; init; } = "";

    /// <summary>Every parameter, sorted by name.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    /// <summary>The parameters as the sandbox's <c>params.json</c> holds them (ints and floats as numbers), indented.</summary>
    public required string ParametersJson { get; init; }

    public int Seed { get; init; }
    public string? Diff { get; init; }
    public IReadOnlyList<string> EditedFiles { get; init; } = [];

    /// <summary>A shell command line, run from a copy of the benchmark folder, that runs the same image with the same parameters and seed.</summary>
    public required string CommandLine { get; init; }
}
