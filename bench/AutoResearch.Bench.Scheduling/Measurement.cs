namespace AutoResearch.Bench.Scheduling;

/// <summary>One container run: from the runner's container start to its exit (SandboxResult / ledger started_at..ended_at).</summary>
internal readonly record struct Run(DateTimeOffset Start, DateTimeOffset End)
{
    public double Seconds => (End - Start).TotalSeconds;
}

/// <summary>
/// One side of the comparison, measured the same way for both: makespan from the first container start to the last
/// container end, and the time containers ran within it.
/// </summary>
internal sealed record Measurement(string Name, int Slots, IReadOnlyList<Run> Runs)
{
    public int Experiments => Runs.Count;

    public DateTimeOffset First => Runs.Min(r => r.Start);

    public DateTimeOffset Last => Runs.Max(r => r.End);

    public double Makespan => (Last - First).TotalSeconds;

    public double RunSeconds => Runs.Sum(r => r.Seconds);

    public double MeanRun => RunSeconds / Experiments;

    /// <summary>Makespan if the slots had been busy running containers all the time: N × mean run ÷ K.</summary>
    public double IdealMakespan => RunSeconds / Slots;

    /// <summary>Slot time not spent running a container, per experiment: (K × makespan − Σ run) ÷ N.</summary>
    public double OverheadPerExperiment => (Slots * Makespan - RunSeconds) / Experiments;

    /// <summary>Σ container run ÷ (K × makespan).</summary>
    public double Utilization => RunSeconds / (Slots * Makespan);

    /// <summary>The campaign's own utilization from its --json summary (slot-held time over slots × campaign window).</summary>
    public double? ReportedUtilization { get; init; }

    /// <summary>Slot-held time (grant to result recorded) over K × makespan, from the ledger.</summary>
    public double? SlotUtilization { get; set; }

    /// <summary>Lines of detail printed under the table.</summary>
    public List<string> Notes { get; } = [];
}
