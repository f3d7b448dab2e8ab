using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes;

/// <summary>What <see cref="MetricLineParser"/> found on one output line.</summary>
/// <param name="IsMetricLine">True when the line starts with the <c>METRIC</c> keyword.</param>
/// <param name="Points">Valid points on the line, in order (they share the line's step, if any).</param>
/// <param name="Problems">Human-readable notes about ignored parts (bad numbers, stray tokens).</param>
public sealed record MetricLineParseResult(
    bool IsMetricLine,
    IReadOnlyList<MetricPoint> Points,
    IReadOnlyList<string> Problems)
{
    public static MetricLineParseResult NotMetric { get; } = new(false, [], []);
}
