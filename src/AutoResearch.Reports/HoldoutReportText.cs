using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>The report's words for held-out re-validation, shared by the Markdown and HTML renderers.</summary>
public static class HoldoutReportText
{
    public const string SectionTitle = "Held-out re-validation";

    public const string Intro =
        "The baseline and the top accepted results were re-run on the benchmark's held-out evaluation (AR_EVAL=holdout, fresh seeds), " +
        "which no result was selected on. The final answer is ranked by the held-out score; a result whose held-out score is not " +
        "better than the baseline's is flagged \"did not hold up\"; one better by less than the held-out runs' noise (one-sided " +
        "t test below 95 %) is \"within noise\": not shown to hold up.";

    /// <summary>The verdict as a reader sees it: <c>held up</c>, <c>did not hold up</c>, …</summary>
    public static string Verdict(HoldoutVerdict verdict) => verdict switch
    {
        HoldoutVerdict.HeldUp => "held up",
        HoldoutVerdict.DidNotHoldUp => "did not hold up",
        HoldoutVerdict.WithinNoise => "within noise (not shown to hold up)",
        HoldoutVerdict.NoScore => "no held-out score (runs failed)",
        HoldoutVerdict.NoReference => "no baseline held-out score to compare",
        HoldoutVerdict.Baseline => "reference",
        _ => "pending",
    };

    /// <summary>"mean ± sd (n runs)" of a result's held-out runs, with failures named.</summary>
    public static string HeldOut(HoldoutResult r) =>
        ReportFormat.Objective(r.HeldOut) + (r.HeldOutStdDev is { } sd ? " ± " + ReportFormat.Objective(sd) : "") +
        $" ({r.HeldOutRuns} run{(r.HeldOutRuns == 1 ? "" : "s")}" +
        (r.HeldOutFailed > 0 ? $", {r.HeldOutFailed} failed" : "") + (r.HeldOutUnfinished > 0 ? $", {r.HeldOutUnfinished} running" : "") + ")";

    public static string InSample(HoldoutResult r) =>
        ReportFormat.Objective(r.InSample) + $" ({r.InSampleRuns} run{(r.InSampleRuns == 1 ? "" : "s")})";

    public static string Gap(HoldoutResult r) => r.Gap is { } g ? (g >= 0 ? "+" : "") + ReportFormat.Objective(g) : ReportFormat.Missing;

    /// <summary>The rows in the table's order: the baseline (the reference) first, then the results ranked by held-out.</summary>
    public static IEnumerable<HoldoutResult> Rows(HoldoutSummary summary) =>
        summary.Baseline is { } b ? summary.Results.Prepend(b) : summary.Results;

    /// <summary>
    /// The headline's line about the accepted best's re-validation and the final answer ranked by held-out; null when
    /// nothing was re-validated.
    /// </summary>
    public static string? HeadlineLine(CampaignReportModel model)
    {
        var summary = model.Holdout;
        if (summary.IsEmpty)
        {
            return null;
        }

        var metric = model.MetricName;
        var best = model.AcceptedBest is { Index: > 0 } a ? summary.For(a.ExperimentId) : null;
        var bestText = best is null
            ? "the accepted best was not re-validated"
            : $"accepted best #{best.Sequence}: in-sample {ReportFormat.Objective(best.InSample)} vs held-out {ReportFormat.Objective(best.HeldOut)} — {Verdict(best.Verdict)}";
        var baseline = summary.Baseline?.HeldOut is { } bh ? $"; baseline held-out {ReportFormat.Objective(bh)}" : "";
        var answer = summary.FinalAnswer is { } f
            ? $"; final answer ranked by held-out: #{f.Sequence} (held-out {metric} {ReportFormat.Objective(f.HeldOut)})"
            : summary.IsComplete ? "; no re-validated result beat the baseline on held-out: keep the baseline" : "; held-out runs still going";
        return $"Held-out: {bestText}{baseline}{answer}.";
    }
}
