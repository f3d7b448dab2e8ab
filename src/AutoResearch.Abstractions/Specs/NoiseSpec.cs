namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// Noise-aware acceptance: how the campaign measures run-to-run noise and how far a result must beat the best to count.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NoiseSpec
{
    /// <summary>Runs of the baseline (same parameters, different seeds) that measure the noise; 1 disables the measurement.</summary>
    [Id(0)] public int BaselineRuns { get; init; } = 3;

    /// <summary>Extra runs (new seeds) of a result that beats the best by less than the margin, before it is judged again.</summary>
    [Id(1)] public int ConfirmationRuns { get; init; } = 2;

    /// <summary>The margin in standard deviations of the difference of the two means (2 ≈ 97.7 % one-sided).</summary>
    [Id(2)] public double Sigmas { get; init; } = 2.0;

    /// <summary>No measurement and no margin: every strictly better result is a new best.</summary>
    public static NoiseSpec Off { get; } = new() { BaselineRuns = 1, ConfirmationRuns = 0, Sigmas = 0 };
}
