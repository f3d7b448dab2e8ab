using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>Plain-text sentences shared by the Markdown and HTML renderers (callers escape them).</summary>
internal static class ReportNarrative
{
    public static string Headline(CampaignReportModel model)
    {
        if (model.BestObjective is not { } best)
        {
            return model.Total == 0 ? "No experiments have run yet." : "No experiment has succeeded yet.";
        }

        if (model.BaselineObjective is not { } baseline)
        {
            return $"{model.MetricName}: best {ReportFormat.Objective(best)} (no baseline to compare against)";
        }

        var headline = $"{model.MetricName}: baseline {ReportFormat.Objective(baseline)} → best {ReportFormat.Objective(best)}";
        return headline + " (" + Improvement(model) + ")";
    }

    public static string Improvement(CampaignReportModel model)
    {
        if (model.RelativeImprovement is not { } rel)
        {
            return model.BestObjective is { } b && model.BaselineObjective is { } a
                ? $"change {ReportFormat.Delta(b - a)}"
                : ReportFormat.Missing;
        }

        return rel switch
        {
            > 0 => $"{ReportFormat.Percent(rel)} better than baseline",
            < 0 => $"{ReportFormat.Percent(rel)} worse than baseline",
            _ => "no better than baseline",
        };
    }

    public static string Counts(CampaignReportModel model)
    {
        var text = $"{model.Total} total · {model.Succeeded} succeeded · {model.Failed} failed";
        if (model.Pruned > 0) text += $" · {model.Pruned} stopped early";
        return model.Pending > 0 ? text + $" · {model.Pending} pending" : text;
    }

    public static IEnumerable<string> TargetLines(CampaignReportModel model)
    {
        if (model.Target is { } target)
        {
            var reached = model.BestObjective is { } best
                && (best == target || (model.Direction == Abstractions.Specs.Direction.Minimize ? best < target : best > target));
            yield return $"Target {ReportFormat.Objective(target)}: {(reached ? "reached" : "not reached")}";
        }

        if (model.KnownOptimum is { } optimum)
        {
            var gap = model.BestObjective is { } best ? $" (gap {ReportFormat.Objective(Math.Abs(best - optimum))})" : "";
            yield return $"Known optimum {ReportFormat.Objective(optimum)}{gap}";
        }
    }

    public static string UsedOfBudget(double used, double budget) =>
        budget > 0
            ? $"{ReportFormat.Seconds(used)} / {ReportFormat.Seconds(budget)} ({ReportFormat.Share(used / budget)})"
            : $"{ReportFormat.Seconds(used)} / —";

    public static string StatusText(ExperimentReportRow row) => row.Status switch
    {
        ExperimentStatus.Failed => "failed: " + ReportFormat.FailureKindName(row.Failure),
        ExperimentStatus.Pruned => "stopped early",
        _ => row.Status.ToString().ToLowerInvariant() + VerdictText(row),
    };

    /// <summary>" · accepted (99%)", " · within noise", " · repeat of #3", … for the experiments table.</summary>
    private static string VerdictText(ExperimentReportRow row)
    {
        if (row.Kind == ExperimentKind.Repeat)
            return row.RepeatOf is { } of ? $" · repeat of #{of[(of.LastIndexOf('/') + 1)..].TrimStart('0').PadLeft(1, '0')}" : " · repeat";
        var confidence = row.Confidence is { } c ? $" ({ReportFormat.Confidence(c)})" : "";
        return row.Verdict switch
        {
            AcceptanceVerdict.Accepted => " · accepted" + confidence,
            AcceptanceVerdict.WithinNoise => " · within noise" + confidence,
            AcceptanceVerdict.Confirming => " · confirming",
            _ => "",
        };
    }

    /// <summary>How far to trust the best: runs behind it, its confidence, the noise it was judged against; null without a leaderboard.</summary>
    public static string? ConfidenceLine(CampaignReportModel model)
    {
        if (model.AcceptedBest is not { } best) return null;
        var spread = best.StdDev is { } sd ? $" ± {ReportFormat.Objective(sd)}" : "";
        var confidence = best.Index == 0
            ? "no experiment beat the baseline by more than the noise"
            : best.Confidence is { } c
                ? $"confidence {ReportFormat.Confidence(c)} that it beats the previous best" + (best.Margin is { } m && m > 0 ? $" (by more than the noise margin {ReportFormat.Objective(m)})" : "")
                : "accepted without a noise estimate";
        var noise = model.NoiseStdDev is { } n
            ? $"; run-to-run noise σ {ReportFormat.Objective(n)} from {model.NoiseRuns} repeated runs"
            : "; noise not measured";
        return $"Best {ReportFormat.Objective(best.Objective)}{spread} over {best.Runs} run(s): {confidence}{noise}.";
    }

    public static string Marks(ExperimentReportRow row) =>
        (row.IsBest ? " ★" : "") + (row.IsNewBest && !row.IsBest ? " ▲" : "") + (row.IsBaseline ? " B" : "");

    /// <summary>At most <paramref name="max"/> characters of multi-line text, cut in the middle when longer.</summary>
    public static string Clip(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (text.Length <= max)
        {
            return text;
        }

        var half = max / 2;
        return text[..half] + "\n… (" + (text.Length - max) + " characters cut) …\n" + text[^half..];
    }
}
