namespace AutoResearch.Reports;

/// <summary>One of the campaign's best experiments, with everything needed to understand what it changed.</summary>
public sealed record TopExperiment
{
    public required int Rank { get; init; }
    public required ExperimentReportRow Row { get; init; }

    /// <summary>Mean objective over the experiment's run and its repeats.</summary>
    public required double Mean { get; init; }

    public required int Runs { get; init; }

    /// <summary>Every parameter, the ones that differ from the benchmark's defaults marked.</summary>
    public required IReadOnlyList<TopParameter> Parameters { get; init; }

    /// <summary>Unified diff against the baseline code, when the experiment edited code.</summary>
    public string? Diff { get; init; }
}
