namespace AutoResearch.Evaluation;

/// <summary>A pooled run-to-run standard deviation and the degrees of freedom behind it.</summary>
/// <param name="StdDev">Pooled standard deviation (0 or rounding-level when the repeats are identical).</param>
/// <param name="DegreesOfFreedom">Σ (n_i − 1) over the repeat groups.</param>
/// <param name="IdenticalRepeats">
/// Every repeat group's runs are identical or numerically indistinguishable (spread at floating-point rounding level of
/// the values): the benchmark does not draw its randomness from <c>AR_SEED</c>, or is deterministic. No confidence can be
/// measured from such repeats; <see cref="StdDev"/> is then no noise level to test against.
/// </param>
public sealed record NoiseEstimate(double StdDev, int DegreesOfFreedom, bool IdenticalRepeats = false)
{
    /// <summary>Runs behind the estimate (each group's runs, summed).</summary>
    public int Runs { get; init; }

    /// <summary>Which repeat groups the estimate comes from (see <see cref="NoiseEstimator.ForComparisons"/>).</summary>
    public NoiseSource Source { get; init; } = NoiseSource.AllRepeats;

    /// <summary>True when the estimate can carry a confidence: a positive noise level from repeats that are not identical.</summary>
    public bool IsUsable => !IdenticalRepeats && StdDev > 0 && double.IsFinite(StdDev) && DegreesOfFreedom > 0;
}

/// <summary>Which repeat groups a noise estimate comes from.</summary>
public enum NoiseSource
{
    /// <summary>Every repeat group: the baseline's runs and any confirmed candidate's.</summary>
    AllRepeats,

    /// <summary>Only the confirmed candidates' groups: they measure the noise where the comparisons are (the baseline's runs are left out).</summary>
    ConfirmedCandidates,
}
