namespace AutoResearch.Evaluation;

/// <summary>A pooled run-to-run standard deviation and the degrees of freedom behind it.</summary>
public sealed record NoiseEstimate(double StdDev, int DegreesOfFreedom);
