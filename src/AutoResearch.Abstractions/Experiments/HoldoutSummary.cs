using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// The campaign's held-out re-validation: every re-validated result with its in-sample and held-out scores, ranked by the
/// held-out score, the baseline's held-out score as the reference, and the final answer. One projection of the ledger's
/// experiments (built by <c>AutoResearch.Evaluation.HoldoutSummaries.From</c>): the grain, the CLI, the console and the report all show this, none computes its own.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.HoldoutSummary")]
public sealed record HoldoutSummary
{
    /// <summary>The re-validated results (not the baseline), best held-out score first; those without a score last.</summary>
    [Id(0)] public List<HoldoutResult> Results { get; init; } = [];

    /// <summary>The baseline's re-validation; null when the baseline was not re-run on the held-out evaluation.</summary>
    [Id(1)] public HoldoutResult? Baseline { get; init; }

    /// <summary>
    /// The final answer ranked by held-out: the best held-out score among the results that held up (beyond noise), else among
    /// those better than the baseline within noise; null when none beat the baseline's held-out score (keep the baseline).
    /// </summary>
    [Id(2)] public string? FinalAnswerId { get; init; }

    /// <summary>Held-out runs in the ledger (all of them, whatever their state).</summary>
    [Id(3)] public int Runs { get; init; }

    public bool IsEmpty => Runs == 0;

    /// <summary>True when no held-out run is queued or running.</summary>
    public bool IsComplete => Results.All(r => r.HeldOutUnfinished == 0) && (Baseline is null || Baseline.HeldOutUnfinished == 0);

    public HoldoutResult? FinalAnswer => FinalAnswerId is null ? null : Results.FirstOrDefault(r => r.ExperimentId == FinalAnswerId);

    /// <summary>The re-validation of <paramref name="experimentId"/> (a result or the baseline), if it was re-validated.</summary>
    public HoldoutResult? For(string? experimentId) =>
        experimentId is null ? null : Baseline?.ExperimentId == experimentId ? Baseline : Results.FirstOrDefault(r => r.ExperimentId == experimentId);
}
