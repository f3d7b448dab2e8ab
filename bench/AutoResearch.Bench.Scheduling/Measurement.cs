namespace AutoResearch.Bench.Scheduling;

/// <summary>One side of the comparison: makespan (first container start to last container end) and the time containers ran.</summary>
internal sealed record Measurement(int Experiments, double Makespan, double RunSeconds, double? SlotSeconds)
{
    public double ReportedUtilization { get; init; }

    public double ProcessSeconds { get; init; }
}
