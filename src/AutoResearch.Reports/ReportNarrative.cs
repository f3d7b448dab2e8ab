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
        _ => row.Status.ToString().ToLowerInvariant(),
    };

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
