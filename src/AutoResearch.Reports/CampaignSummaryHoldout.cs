using System.Text.Json.Serialization;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>The held-out re-validation in a <see cref="CampaignSummary"/>: in-sample vs held-out, ranked by held-out.</summary>
public sealed record CampaignSummaryHoldout
{
    /// <summary>The baseline's held-out mean: the reference every result must beat to hold up.</summary>
    [JsonPropertyName("baseline")] public double? Baseline { get; init; }

    /// <summary>The final answer ranked by held-out (the best held-out result that held up); null when none did.</summary>
    [JsonPropertyName("final_answer")] public string? FinalAnswer { get; init; }
    [JsonPropertyName("final_answer_sequence")] public int? FinalAnswerSequence { get; init; }

    /// <summary>No held-out run is queued or running.</summary>
    [JsonPropertyName("complete")] public bool Complete { get; init; }

    /// <summary>Held-out runs in the ledger.</summary>
    [JsonPropertyName("runs")] public int Runs { get; init; }

    /// <summary>The baseline first, then the re-validated results ranked by held-out score.</summary>
    [JsonPropertyName("results")] public IReadOnlyList<CampaignSummaryHoldoutResult> Results { get; init; } = [];

    /// <summary>The summary's view of <paramref name="summary"/>; null when nothing was re-validated.</summary>
    public static CampaignSummaryHoldout? From(HoldoutSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.IsEmpty) return null;
        return new CampaignSummaryHoldout
        {
            Baseline = Finite(summary.Baseline?.HeldOut),
            FinalAnswer = summary.FinalAnswerId,
            FinalAnswerSequence = summary.FinalAnswer?.Sequence,
            Complete = summary.IsComplete,
            Runs = summary.Runs,
            Results = HoldoutReportText.Rows(summary).Select(r => new CampaignSummaryHoldoutResult
            {
                Experiment = r.ExperimentId,
                Sequence = r.Sequence,
                Agent = r.AgentId,
                IsBaseline = r.IsBaseline,
                InSample = Finite(r.InSample),
                InSampleRuns = r.InSampleRuns,
                HeldOut = Finite(r.HeldOut),
                HeldOutRuns = r.HeldOutRuns,
                HeldOutStdDev = Finite(r.HeldOutStdDev),
                HeldOutFailed = r.HeldOutFailed,
                Rank = r.Rank,
                Verdict = VerdictName(r.Verdict),
                DidNotHoldUp = r.DidNotHoldUp,
                Confidence = Finite(r.Confidence),
            }).ToList(),
        };
    }

    /// <summary>The verdict in JSON: <c>held_up</c>, <c>did_not_hold_up</c>, <c>within_noise</c>, <c>no_score</c>, <c>no_reference</c>, <c>baseline</c>, <c>pending</c>.</summary>
    public static string VerdictName(HoldoutVerdict verdict) => verdict switch
    {
        HoldoutVerdict.HeldUp => "held_up",
        HoldoutVerdict.DidNotHoldUp => "did_not_hold_up",
        HoldoutVerdict.WithinNoise => "within_noise",
        HoldoutVerdict.NoScore => "no_score",
        HoldoutVerdict.NoReference => "no_reference",
        HoldoutVerdict.Baseline => "baseline",
        _ => "pending",
    };

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}

/// <summary>One re-validated result in a <see cref="CampaignSummaryHoldout"/>.</summary>
public sealed record CampaignSummaryHoldoutResult
{
    [JsonPropertyName("experiment")] public required string Experiment { get; init; }
    [JsonPropertyName("sequence")] public int Sequence { get; init; }
    [JsonPropertyName("agent")] public string Agent { get; init; } = "";
    [JsonPropertyName("is_baseline")] public bool IsBaseline { get; init; }
    [JsonPropertyName("in_sample")] public double? InSample { get; init; }
    [JsonPropertyName("in_sample_runs")] public int InSampleRuns { get; init; }
    [JsonPropertyName("held_out")] public double? HeldOut { get; init; }
    [JsonPropertyName("held_out_runs")] public int HeldOutRuns { get; init; }
    [JsonPropertyName("held_out_stddev")] public double? HeldOutStdDev { get; init; }
    [JsonPropertyName("held_out_failed")] public int HeldOutFailed { get; init; }

    /// <summary>1 for the best held-out score among the results (the baseline is not ranked).</summary>
    [JsonPropertyName("rank")] public int? Rank { get; init; }
    [JsonPropertyName("verdict")] public required string Verdict { get; init; }
    [JsonPropertyName("did_not_hold_up")] public bool DidNotHoldUp { get; init; }

    /// <summary>Confidence that its held-out score beats the baseline's (one-sided t test); null when not tested.</summary>
    [JsonPropertyName("confidence")] public double? Confidence { get; init; }
}
