namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// Noise-aware acceptance: how the campaign measures run-to-run noise and how far a result must beat the best to count.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.NoiseSpec")]
public sealed record NoiseSpec
{
    /// <summary>Runs of the baseline (same parameters, different seeds) that measure the noise; 1 disables the measurement.</summary>
    [Id(0)] public int BaselineRuns { get; init; } = 3;

    /// <summary>Extra runs (new seeds) of a result that beats the best by less than the margin, before it is judged again.</summary>
    [Id(1)] public int ConfirmationRuns { get; init; } = 2;

    /// <summary>The margin in standard deviations of the difference of the two means (2 ≈ 97.7 % one-sided):
    /// the campaign-wide confidence a new best must reach is Φ(Sigmas), corrected for the number of comparisons made.</summary>
    [Id(2)] public double Sigmas { get; init; } = 2.0;

    /// <summary>
    /// Minimum improvement: decides acceptance when no confidence can be measured (identical repeats, no measurement) and,
    /// when stated in the campaign file, is a floor on every acceptance. Null means <see cref="Specs.MinImprovement.Default"/>.
    /// </summary>
    [Id(3)] public MinImprovement? MinImprovement { get; init; }

    /// <summary>
    /// Once the campaign has a best accepted with confidence over the baseline, a candidate whose confirmation runs beat that
    /// best's mean, though not by the confidence margin, replaces it as the better estimate (<see cref="Experiments.AcceptanceReason.BetterMean"/>,
    /// no confidence claimed). Off: only a confident win replaces the best, and a better configuration within the noise is
    /// never handed back. Measured on the real benchmarks' recorded campaigns (BENCHMARKS.md): the better-mean answer
    /// re-ran better on fresh seeds.
    /// </summary>
    [Id(4)] public bool PreferBetterMean { get; init; } = true;

    /// <summary>
    /// The minimum improvement in force: the stated one; else, with measurement off (<see cref="BaselineRuns"/> 1: the campaign
    /// declares the benchmark deterministic), none (any strictly better result, beyond rounding); else the 1 % default, which
    /// applies when the measurement fails (identical repeats).
    /// </summary>
    public MinImprovement EffectiveMinImprovement => MinImprovement ?? (BaselineRuns <= 1 ? Specs.MinImprovement.None : Specs.MinImprovement.Default);

    /// <summary>No measurement and no margin: every strictly better result is a new best (no confidence is claimed for it).</summary>
    public static NoiseSpec Off { get; } = new() { BaselineRuns = 1, ConfirmationRuns = 0, Sigmas = 0 };
}
