using System.Globalization;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Reports;
using Spectre.Console;

namespace AutoResearch.Cli.Display;

/// <summary>The end-of-campaign summary as people read it.</summary>
public static class SummaryView
{
    /// <summary>"2 experiment(s) awaiting approval since 02:14 UTC" (status, progress lines).</summary>
    public static string AwaitingText(int count, DateTimeOffset? since) =>
        $"{count} experiment(s) awaiting approval" + (since is { } at ? $" since {at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC" : "");

    public static void Write(IAnsiConsole console, CampaignStatus status, CampaignSummary summary)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("campaign", Markup.Escape(summary.Campaign));
        grid.AddRow("state", Markup.Escape($"{status.State}{(status.Reason is { } why ? $" ({why})" : "")}"));
        grid.AddRow("experiments", $"{summary.Experiments}: [green]{summary.Succeeded} succeeded[/], [red]{summary.Failed} failed[/]");
        grid.AddRow(Markup.Escape(status.MetricName), $"baseline [bold]{Fmt(summary.Baseline)}[/] → best [bold green]{Fmt(summary.Best)}[/] ({summary.Direction}){Improvement(summary)}");
        grid.AddRow("noise", Markup.Escape(Noise(summary)));
        if (summary.AwaitingApproval > 0)
            grid.AddRow("awaiting approval", Markup.Escape(AwaitingText(summary.AwaitingApproval, summary.AwaitingApprovalSince) + ": autoresearch approve|reject <campaign> <experiment>"));
        grid.AddRow("utilization", summary.Utilization.ToString("P0", CultureInfo.InvariantCulture) + $" of {status.Slots} sandbox slots");
        if (summary.BestHeldOut is { } bestHeldOut)
            grid.AddRow("best, held-out", $"[bold]{Fmt(bestHeldOut)}[/] on the held-out evaluation (in-sample {Fmt(summary.Best)}){(summary.BestHeldUp == false ? " [bold red]did not hold up[/]" : summary.BestHeldUp == true ? " [green]held up[/]" : "")}");
        if (summary.Holdout is { } h)
            grid.AddRow("final answer", h.FinalAnswerSequence is { } n
                ? $"[bold green]#{n}[/] (ranked by held-out {Fmt(h.Results.FirstOrDefault(r => r.Sequence == n)?.HeldOut)}; baseline held-out {Fmt(h.Baseline)})"
                : h.Complete ? $"[yellow]no re-validated result beat the baseline on held-out ({Fmt(h.Baseline)}): keep the baseline[/]" : "held-out runs still going");
        if (summary.Report is not null) grid.AddRow("report", Markup.Escape(summary.Report));
        if (summary.ReportHtml is not null) grid.AddRow("report (html)", Markup.Escape(summary.ReportHtml));
        console.Write(new Panel(grid).Header("Summary").Border(BoxBorder.Rounded));

        var table = new Table().Border(TableBorder.Rounded).AddColumns("agent", "role", "runs", "CPU-s used", "CPU-s budget", "GPU-s used", "tokens used");
        foreach (var a in summary.Agents)
        {
            table.AddRow(Markup.Escape(a.Id), Markup.Escape(a.Role), a.Experiments.ToString(CultureInfo.InvariantCulture),
                a.CpuSecondsUsed.ToString("F0", CultureInfo.InvariantCulture),
                a.CpuBudgetSeconds > 0 ? a.CpuBudgetSeconds.ToString("F0", CultureInfo.InvariantCulture) : "–",
                a.GpuSecondsUsed.ToString("F0", CultureInfo.InvariantCulture), a.TokensUsed.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        WriteTokens(console, summary);
        WriteCostPerGain(console, summary);
        if (summary.Holdout is { Results.Count: > 0 } holdout)
        {
            var held = new Table().Border(TableBorder.Rounded).Title("held-out re-validation (ranked by held-out)")
                .AddColumns("rank", "experiment", "agent", "in-sample", "held-out", "verdict");
            foreach (var row in holdout.Results)
            {
                held.AddRow(row.Rank?.ToString(CultureInfo.InvariantCulture) ?? "–",
                    $"#{row.Sequence}{(row.IsBaseline ? " (baseline)" : "")}{(row.Experiment == holdout.FinalAnswer ? " [green]final answer[/]" : "")}",
                    Markup.Escape(row.Agent),
                    $"{Fmt(row.InSample)} ({row.InSampleRuns})",
                    $"{Fmt(row.HeldOut)} ({row.HeldOutRuns}{(row.HeldOutFailed > 0 ? $", {row.HeldOutFailed} failed" : "")})",
                    row.DidNotHoldUp ? "[bold red]did not hold up[/]" : Markup.Escape(row.Verdict.Replace('_', ' ')));
            }
            console.Write(held);
        }
        foreach (var a in summary.Agents.Where(a => a.ModelProblem is not null))
            console.MarkupLine($"[red]{Markup.Escape(a.Id)}: {Markup.Escape(a.ModelProblem!)}[/]");
        foreach (var a in summary.Agents.Where(a => a.Rejections > 0))
            console.MarkupLine($"[yellow]{Markup.Escape(a.Id)}: {a.Rejections} proposal(s) rejected before running{(a.MaxRejections > 0 ? $" (allowance {a.MaxRejections})" : "")}; they cost no experiment[/]");
    }

    /// <summary>Token budgets: what is left, and what each model agent reserves per experiment (with the arithmetic when known).</summary>
    private static void WriteTokens(IAnsiConsole console, CampaignSummary summary)
    {
        var models = summary.Agents.Where(a => a.TokensUsed > 0 || a.TokenBudget > 0 || a.TokensReservedPerExperiment > 0).ToList();
        if (models.Count == 0 && summary.TokenBudget == 0) return;
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).Title("tokens")
            .AddColumns("agent", "used", "budget", "remaining", "reserved per experiment", "most one experiment used");
        foreach (var a in models)
        {
            table.AddRow(Markup.Escape(a.Id), a.TokensUsed.ToString("N0", c), a.TokenBudget > 0 ? a.TokenBudget.ToString("N0", c) : "–",
                a.TokensRemaining?.ToString("N0", c) ?? "–",
                a.TokensReservedPerExperiment > 0 ? a.TokensReservedPerExperiment.ToString("N0", c) : "–",
                a.TokensPerExperimentMax.ToString("N0", c));
        }
        table.AddRow("[bold]campaign[/]", summary.TokensUsed.ToString("N0", c), summary.TokenBudget > 0 ? summary.TokenBudget.ToString("N0", c) : "–",
            summary.TokensRemaining?.ToString("N0", c) ?? "–", "", "");
        console.Write(table);
        foreach (var a in models.Where(a => a.TokenPlan is not null))
            console.MarkupLine($"{Markup.Escape(a.Id)} reserves per experiment: {Markup.Escape(a.TokenPlan!)}");
    }

    /// <summary>Cost per gain per agent and per model, the verdict in words, and the models' rejection rates.</summary>
    private static void WriteCostPerGain(IAnsiConsole console, CampaignSummary summary)
    {
        if (summary.CostPerGain is not { } cost) return;
        var c = CultureInfo.InvariantCulture;
        var unit = cost.Unit == "percent_of_baseline" ? "1 %" : "1 unit";
        var table = new Table().Border(TableBorder.Rounded).Title($"cost per gain (per {unit} of accepted improvement)")
            .AddColumns("agent / model", "runs", "new bests", "gain", $"tokens per {unit}", $"CPU-s per {unit}", $"GPU-s per {unit}");
        foreach (var r in cost.Agents.Concat(cost.Models))
        {
            var gain = r.GainUnits > 0 ? (cost.Unit == "percent_of_baseline" ? r.GainUnits.ToString("0.##", c) + " %" : r.GainUnits.ToString("G4", c)) : "[yellow]no gain yet[/]";
            table.AddRow(Markup.Escape(r.Name), r.Experiments.ToString(c), r.NewBests.ToString(c), gain,
                r.TokensPerUnit?.ToString("N0", c) ?? "–", r.CpuSecondsPerUnit?.ToString("N1", c) ?? "–", r.GpuSecondsPerUnit?.ToString("N1", c) ?? "–");
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape(cost.Verdict));
        foreach (var r in summary.ModelRejections)
            console.MarkupLine($"{Markup.Escape(r.Model)}: {r.Rejected} of {r.Proposals} proposals rejected ({r.RejectionRate.ToString("P0", c)})");
    }

    /// <summary>The noise line: σ and its runs, or the identical-repeats warning and the minimum improvement in force.</summary>
    internal static string Noise(CampaignSummary s)
    {
        var minimum = s.MinImprovement is { } m
            ? (m.Relative ? (m.Value * 100).ToString("0.####", CultureInfo.InvariantCulture) + " %" : m.Value.ToString("G6", CultureInfo.InvariantCulture)) +
              (m.Stated ? "" : " (default)")
            : "–";
        if (s.NoiseIdenticalRepeats)
            return $"identical repeats: the benchmark ignores AR_SEED (or is deterministic); no confidence claimed, new bests need the minimum improvement {minimum}";
        if (s.NoiseStdDev is not { } sd)
            return $"not measured; new bests need the minimum improvement {minimum}";
        var confidence = s.BestConfidence is { } c ? $", best accepted at {c.ToString("P1", CultureInfo.InvariantCulture)} campaign-wide confidence" : "";
        return $"σ {sd.ToString("G3", CultureInfo.InvariantCulture)}{confidence}";
    }

    private static string Improvement(CampaignSummary s)
    {
        if (s.Baseline is not { } b || s.Best is not { } best || Math.Abs(b) < 1e-12) return "";
        var gain = s.Direction == "minimize" ? (b - best) / Math.Abs(b) : (best - b) / Math.Abs(b);
        return $", {gain.ToString("P1", CultureInfo.InvariantCulture)} better";
    }

    private static string Fmt(double? value) => value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "–";
}
