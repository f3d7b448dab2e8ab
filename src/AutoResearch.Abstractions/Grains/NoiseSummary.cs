using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>
/// What a campaign knows about its run-to-run noise and which acceptance rule is therefore in force.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.NoiseSummary")]
public sealed record NoiseSummary
{
    /// <summary>Pooled run-to-run standard deviation; null until some repeat group has two successful runs.</summary>
    [Id(0)] public double? StdDev { get; init; }

    /// <summary>Runs in the repeat groups behind <see cref="StdDev"/>.</summary>
    [Id(1)] public int Runs { get; init; }

    /// <summary>Degrees of freedom of <see cref="StdDev"/> (runs minus groups).</summary>
    [Id(2)] public int DegreesOfFreedom { get; init; }

    /// <summary>
    /// The repeats (same parameters and code, different <c>AR_SEED</c>) gave identical or numerically indistinguishable
    /// results: the benchmark ignores its seed, or is deterministic. No confidence can be measured; the minimum improvement decides.
    /// </summary>
    [Id(3)] public bool IdenticalRepeats { get; init; }

    /// <summary>The campaign's minimum improvement (stated in the campaign file or the default).</summary>
    [Id(4)] public MinImprovement MinImprovement { get; init; } = MinImprovement.Default;

    /// <summary>Confirmation tests run so far (the campaign-wide confidence is corrected for this many comparisons).</summary>
    [Id(5)] public int Tests { get; init; }

    /// <summary>
    /// True when <see cref="StdDev"/> comes from the confirmed candidates' repeats only, the baseline's runs left out: the
    /// noise where the comparisons are, once those repeats measure it at least as well as the baseline's runs did.
    /// </summary>
    [Id(6)] public bool FromConfirmedCandidates { get; init; }

    /// <summary>True when acceptance rests on the minimum improvement, not on a measured confidence.</summary>
    public bool UsesMinimumImprovement => StdDev is not { } s || s <= 0 || IdenticalRepeats;
}
