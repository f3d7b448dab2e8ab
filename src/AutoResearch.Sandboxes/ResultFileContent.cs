using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes;

/// <summary>Metrics found in <c>result.json</c> (numbers or numeric strings) and notes about what was ignored.</summary>
internal sealed record ResultFileContent(IReadOnlyList<MetricPoint> Metrics, IReadOnlyList<string> Problems);
