using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>Plain-text sentences shared by the Markdown and HTML renderers (callers escape them).</summary>
internal static class ReportNarrative
{
    /// <summary>The report's kind as its title: <c>Morning report</c> (scheduled), <c>Final report</c>, <c>Campaign report</c>.</summary>
    public static string Title(CampaignReportModel model) => model.Trigger switch
    {
        Abstractions.Reports.ReportTrigger.Scheduled => "Morning report",
        Abstractions.Reports.ReportTrigger.Final => "Final report",
        _ => "Campaign report",
    };

    /// <summary>Parameters of a top experiment that differ from the defaults: <c>lr=0.01 (default 0.1), hidden=64 (default 32)</c>.</summary>
    public static string ChangedParameters(TopExperiment t)
    {
        var changed = t.Parameters.Where(p => p.Changed).Select(p => $"{p.Name}={p.Value} (default {p.Default})").ToList();
        var edits = t.Diff is not null || t.Row.HasEdits ? "code edits" : null;
        if (edits is not null) changed.Add(edits);
        return changed.Count == 0 ? "defaults" : string.Join(", ", changed);
    }

    /// <summary><c>explorer · gp</c>, with the model when it has one.</summary>
    public static string AgentKind(AgentReportRow a) =>
        string.Join(" · ", new[] { a.Role, a.Proposer, a.Model is { Length: > 0 } m ? "model " + m : null }.Where(x => !string.IsNullOrWhiteSpace(x)));

    public static string Tried(AgentReportRow a)
    {
        var n = a.Narrative;
        var text = n.Proposals == 1 ? "1 proposal" : $"{n.Proposals} proposals";
        if (n.WithEdits > 0) text += $" ({n.WithEdits} with code edits)";
        if (n.Repeats > 0) text += n.Repeats == 1 ? ", 1 repeat for the campaign" : $", {n.Repeats} repeats for the campaign";
        text += $"; {a.Succeeded} succeeded, {a.Failed} failed";
        if (a.Pruned > 0) text += $", {a.Pruned} stopped early";
        if (a.Rejections > 0) text += a.Rejections == 1 ? "; 1 proposal rejected before running (no experiment)" : $"; {a.Rejections} proposals rejected before running (no experiments)";
        return text;
    }

    public static string AgentBest(AgentReportRow a)
    {
        var n = a.Narrative;
        if (n.AcceptedBests > 0 && n.BestAccepted is { } accepted)
        {
            return $"{(n.AcceptedBests == 1 ? "1 accepted best" : $"{n.AcceptedBests} accepted bests")}, the best {ReportFormat.Objective(accepted)} (#{n.BestAcceptedSequence})";
        }

        return a.Best is { } single
            ? $"no accepted best; its best single run {ReportFormat.Objective(single)}" + (a.NewBests > 0 ? $" ({a.NewBests} new best(s) when they finished)" : "")
            : "no successful run";
    }

    public static string AgentUse(AgentReportRow a) =>
        $"tokens {TokensOfBudget(a.Tokens, a.TokenBudget)} · CPU s {UsedOfBudget(a.CpuSeconds, a.CpuBudgetSeconds)} · GPU s {UsedOfBudget(a.GpuSeconds, a.GpuBudgetSeconds)}"
        + (a.BudgetChanged ? " (budget changed while it ran)" : "")
        + (a.WithinBudget ? "" : " — over budget");

    public static string Headline(CampaignReportModel model)
    {
        if (model.BestObjective is not { } best)
        {
            return model.Total == 0 ? "No experiments have run yet." : "No experiment has succeeded yet.";
        }

        if (model.AcceptedBest is null)
        {
            // Campaigns without a leaderboard: the best single run.
            if (model.BaselineObjective is not { } single)
            {
                return $"{model.MetricName}: best {ReportFormat.Objective(best)} (no baseline to compare against)";
            }

            return $"{model.MetricName}: baseline {ReportFormat.Objective(single)} → best {ReportFormat.Objective(best)} ({Improvement(model)})";
        }

        // The accepted best, with the runs and the confidence behind it, and the noise it was judged against.
        var accepted = $"accepted best {ReportFormat.Objective(best)} ({Runs(model.BestRuns)}"
            + (model.AcceptedBest.Index > 0 && model.AcceptedBest.Confidence is { } c ? $", confidence {ReportFormat.Confidence(c)}" : "")
            + ")";
        var noise = model.Noise.IdenticalRepeats
            ? $"; identical repeats (no confidence claimed; minimum improvement {model.Noise.MinImprovement})"
            : model.NoiseStdDev is { } sigma
                ? $"; noise σ {ReportFormat.Objective(sigma)} from {Runs(model.NoiseRuns)}"
                : "; noise not measured";
        if (model.BaselineObjective is not { } baseline)
        {
            return $"{model.MetricName}: {accepted} (no baseline to compare against){noise}";
        }

        var baselineText = $"baseline {ReportFormat.Objective(baseline)}" + (model.BaselineRuns > 1 ? $" ({Runs(model.BaselineRuns)})" : "");
        return model.AcceptedBest.Index == 0
            ? $"{model.MetricName}: {baselineText}; nothing beat it by more than the noise{noise}"
            : $"{model.MetricName}: {baselineText} → {accepted} ({Improvement(model)}){noise}";
    }

    private static string Runs(int n) => n == 1 ? "1 run" : $"{n} runs";

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

    /// <summary>Seconds used of a budget: <c>120 / 600 (20%)</c>, or <c>120 / unlimited</c> when the budget is 0 (no limit).</summary>
    public static string UsedOfBudget(double used, double budget) =>
        budget > 0
            ? $"{ReportFormat.Seconds(used)} / {ReportFormat.Seconds(budget)} ({ReportFormat.Share(used / budget)})"
            : $"{ReportFormat.Seconds(used)} / unlimited";

    /// <summary>Tokens used of a budget, as <see cref="UsedOfBudget(double, double)"/>.</summary>
    public static string TokensOfBudget(long used, long budget) =>
        budget > 0
            ? $"{ReportFormat.Tokens(used)} / {ReportFormat.Tokens(budget)} ({ReportFormat.Share((double)used / budget)})"
            : $"{ReportFormat.Tokens(used)} / unlimited";

    public static string StatusText(ExperimentReportRow row) => row.Status switch
    {
        ExperimentStatus.Failed => "failed: " + ReportFormat.FailureKindName(row.Failure),
        ExperimentStatus.Pruned => "stopped early",
        _ => row.Status.ToString().ToLowerInvariant(),
    };

    /// <summary>Why it ran: <c>baseline</c>, <c>proposal</c> or <c>repeat of #N</c>.</summary>
    public static string KindText(ExperimentReportRow row)
    {
        if (row.Kind == ExperimentKind.Repeat)
        {
            if (row.RepeatOfSequence is { } n)
                return $"repeat of #{n}";
            // The original is not in the ledger: its id ends with its sequence number.
            return row.RepeatOf is { } of && int.TryParse(of[(of.LastIndexOf('/') + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? $"repeat of #{parsed}"
                : "repeat";
        }

        if (row.Kind == ExperimentKind.Holdout)
        {
            return row.RepeatOfSequence is { } n ? $"held-out run of #{n}" : "held-out run";
        }

        return row.IsBaseline || row.Kind == ExperimentKind.Baseline ? "baseline" : "proposal";
    }

    /// <summary>The campaign's judgement: <c>accepted (99.5%)</c>, <c>within noise (80.0%)</c>, <c>not better</c>, <c>confirming</c>, … ; a dash when not judged.</summary>
    public static string VerdictText(ExperimentReportRow row)
    {
        var confidence = row.Confidence is { } c ? $" ({ReportFormat.Confidence(c)})" : "";
        return row.Verdict switch
        {
            AcceptanceVerdict.Accepted => "accepted" + confidence,
            AcceptanceVerdict.WithinNoise => "within noise" + confidence,
            AcceptanceVerdict.NotBetter => "not better",
            AcceptanceVerdict.Confirming => "confirming",
            AcceptanceVerdict.Baseline => "reference",
            _ => ReportFormat.Missing,
        };
    }

    /// <summary>How far to trust the best: runs behind it, its confidence, the noise it was judged against; null without a leaderboard.</summary>
    public static string? ConfidenceLine(CampaignReportModel model)
    {
        if (model.AcceptedBest is not { } best) return null;
        var spread = model.BestStdDev is { } sd ? $" ± {ReportFormat.Objective(sd)}" : "";
        var confidence = best.Index == 0
            ? "no experiment beat the baseline by more than the noise"
            : best.Reason == AcceptanceReason.BetterMean
                ? "preferred over the previous best as the better estimate: its confirmation runs beat that best's mean, though not " +
                  "by the confidence margin; the gain over the baseline was made with confidence by an earlier best, and no further " +
                  "confidence is claimed for this one"
            : best.Reason == AcceptanceReason.Confidence && best.Confidence is { } c
                ? $"campaign-wide confidence {ReportFormat.Confidence(c)} that it beats the previous best" +
                  (model.Noise.Tests > 0 ? $", corrected for {model.Noise.Tests} comparison{(model.Noise.Tests == 1 ? "" : "s")}" : "") +
                  (best.Margin is { } m && m > 0 ? $" (by more than the noise margin {ReportFormat.Objective(m)} on fresh runs)" : "")
                : $"accepted by the minimum improvement {model.Noise.MinImprovement}" + (best.Margin is { } floor ? $" (≥ {ReportFormat.Objective(floor)})" : "") +
                  "; no confidence is claimed";
        var noise = model.Noise.IdenticalRepeats
            ? $"; the repeats were identical ({model.Noise.Runs} runs), so the run-to-run noise could not be measured"
            : model.NoiseStdDev is { } n
                ? $"; run-to-run noise σ {ReportFormat.Objective(n)} from {model.NoiseRuns} repeated runs" +
                  (model.Noise.FromConfirmedCandidates ? " of the confirmed candidates (the baseline's runs left out: the noise where the comparisons are)" : "")
                : "; noise not measured";
        return $"Best {ReportFormat.Objective(model.BestObjective)}{spread} over {model.BestRuns} run(s): {confidence}{noise}.";
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
