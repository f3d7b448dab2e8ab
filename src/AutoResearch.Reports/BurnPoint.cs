namespace AutoResearch.Reports;

/// <summary>An agent's cumulative resource use at a point of the campaign (after a finished experiment or a model call).</summary>
public sealed record BurnPoint(double ElapsedMinutes, double CpuSeconds, double GpuSeconds, long Tokens);
