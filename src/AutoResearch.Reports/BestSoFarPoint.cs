namespace AutoResearch.Reports;

/// <summary>A moment the campaign's best objective improved.</summary>
public sealed record BestSoFarPoint
{
    public required DateTimeOffset At { get; init; }
    public required double ElapsedMinutes { get; init; }
    public required double Value { get; init; }
    public required string ExperimentId { get; init; }
}
