namespace AutoResearch.Abstractions.Experiments;

/// <summary>What a result's held-out re-validation says.</summary>
[GenerateSerializer, Alias("AutoResearch.HoldoutVerdict")]
public enum HoldoutVerdict
{
    /// <summary>Its held-out runs have not all finished yet.</summary>
    Pending = 0,

    /// <summary>
    /// Its held-out score is better than the baseline's held-out score beyond the held-out runs' noise (one-sided t test at
    /// 95 %; strictly better when the held-out evaluation has no measured noise).
    /// </summary>
    HeldUp = 1,

    /// <summary>Its held-out score is not better than the baseline's held-out score: the in-sample gain did not hold up.</summary>
    DidNotHoldUp = 2,

    /// <summary>Every held-out run of it failed: there is no held-out score.</summary>
    NoScore = 3,

    /// <summary>The baseline has no held-out score to compare with.</summary>
    NoReference = 4,

    /// <summary>The baseline itself: the reference the others are compared with.</summary>
    Baseline = 5,

    /// <summary>
    /// Its held-out mean is better than the baseline's, but not beyond the held-out runs' noise: the gain is not shown to hold up
    /// (more held-out repeats could tell).
    /// </summary>
    WithinNoise = 6,
}
