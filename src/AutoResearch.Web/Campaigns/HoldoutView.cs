using AutoResearch.Abstractions.Experiments;
using AutoResearch.Reports;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// Held-out re-validation as the console shows it: the baseline's held-out score (the reference), the re-validated results
/// ranked by held-out with their in-sample scores beside, and the final answer. Null in the detail when nothing was re-validated.
/// </summary>
public sealed record HoldoutView(
    double? BaselineHeldOut,
    string? FinalAnswer,
    int? FinalAnswerSequence,
    bool Complete,
    int Runs,
    IReadOnlyList<HoldoutRowView> Rows)
{
    public static HoldoutView? From(HoldoutSummary summary) => summary.IsEmpty
        ? null
        : new HoldoutView(summary.Baseline?.HeldOut, summary.FinalAnswerId, summary.FinalAnswer?.Sequence, summary.IsComplete, summary.Runs,
            HoldoutReportText.Rows(summary).Select(r => new HoldoutRowView(
                r.Sequence, r.ExperimentId, r.AgentId, r.IsBaseline, r.Rank, r.InSample, r.InSampleRuns, r.HeldOut, r.HeldOutRuns, r.HeldOutStdDev,
                r.HeldOutFailed, CampaignSummaryHoldout.VerdictName(r.Verdict), r.DidNotHoldUp, r.ExperimentId == summary.FinalAnswerId)).ToList());
}

/// <summary>One re-validated result: in-sample beside held-out, its rank by held-out and its typed verdict.</summary>
public sealed record HoldoutRowView(
    int Sequence,
    string Experiment,
    string Agent,
    bool IsBaseline,
    int? Rank,
    double? InSample,
    int InSampleRuns,
    double? HeldOut,
    int HeldOutRuns,
    double? HeldOutStdDev,
    int HeldOutFailed,
    string Verdict,
    bool DidNotHoldUp,
    bool FinalAnswer);
