namespace AutoResearch.Abstractions.Experiments;

/// <summary>On what grounds a leaderboard entry was accepted as the new best.</summary>
[GenerateSerializer, Alias("AutoResearch.AcceptanceReason")]
public enum AcceptanceReason
{
    /// <summary>The baseline (or, when it failed, the first successful result): the reference, not a judged improvement.</summary>
    Reference = 0,

    /// <summary>Beat the best on fresh runs with the stated campaign-wide confidence against the measured run-to-run noise.</summary>
    Confidence = 1,

    /// <summary>
    /// No confidence could be measured (identical baseline repeats, noise measurement off or failed): beat the best by at
    /// least the campaign's minimum improvement. No confidence is claimed.
    /// </summary>
    MinimumImprovement = 2,

    /// <summary>
    /// Preferred as the better estimate: its confirmation runs beat the best's mean, but not by the confidence margin, and the
    /// best it replaces had itself been accepted with confidence over the baseline (so the campaign's improvement over the
    /// baseline stays one made with confidence). No further confidence is claimed; <c>prefer_better_mean: false</c> in the
    /// campaign's noise settings turns this off.
    /// </summary>
    BetterMean = 3,
}
