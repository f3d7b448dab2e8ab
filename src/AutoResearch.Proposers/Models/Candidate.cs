namespace AutoResearch.Proposers.Models;

/// <summary>A scored point of the model space (standardized units).</summary>
internal sealed record Candidate(double[] Point, double LogEi, double Mean, double StandardDeviation);
