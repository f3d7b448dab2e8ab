using System.Text;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>Renders the morning report as Markdown (<c>report.md</c>), with charts referenced as files beside it.</summary>
public static class MarkdownReportRenderer
{
    /// <param name="model">The campaign.</param>
    /// <param name="charts">The charts, referenced by their file names (saved next to the Markdown file); none when null.</param>
    public static string Render(CampaignReportModel model, IReadOnlyList<ReportChart>? charts = null)
    {
        charts ??= [];
        var metricImage = charts.FirstOrDefault(c => c.FileName == ReportCharts.MetricFileName)?.FileName;
        var md = new StringBuilder();
        md.Append("# ").Append(ReportNarrative.Title(model)).Append(": ").AppendLine(MarkdownText.Inline(model.Name)).AppendLine();
        if (!string.IsNullOrWhiteSpace(model.Goal))
        {
            md.Append("**Goal:** ").AppendLine(MarkdownText.Inline(model.Goal)).AppendLine();
        }

        md.Append("Campaign ").Append(MarkdownText.Code(model.CampaignId))
          .Append(" · benchmark ").Append(MarkdownText.Code(model.BenchmarkName))
          .Append(" · metric ").Append(MarkdownText.Code(model.MetricName)).Append(" (").Append(model.DirectionWord).Append(')')
          .Append(" · state **").Append(model.State).Append("**");
        if (!string.IsNullOrWhiteSpace(model.StateReason))
        {
            md.Append(" (").Append(MarkdownText.Inline(model.StateReason, 200)).Append(')');
        }

        md.AppendLine("  ");
        md.Append("Started ").Append(ReportFormat.Time(model.StartedAt))
          .Append(" · ended ").Append(ReportFormat.Time(model.EndedAt))
          .Append(" · report built ").AppendLine(ReportFormat.Time(model.GeneratedAt)).AppendLine();

        md.AppendLine("## Headline").AppendLine();
        md.Append("**").Append(MarkdownText.Inline(ReportNarrative.Headline(model))).AppendLine("**").AppendLine();
        md.Append("- Experiments: ").AppendLine(ReportNarrative.Counts(model));
        if (ReportNarrative.ConfidenceLine(model) is { } confidence)
        {
            md.Append("- Confidence: ").AppendLine(MarkdownText.Inline(confidence));
        }

        if (model.Best is { } best)
        {
            md.Append("- Best: experiment ").Append(MarkdownText.Code(best.Id)).Append(" (#").Append(best.Sequence)
              .Append(") by ").Append(MarkdownText.Code(best.AgentId)).Append(": ").AppendLine(MarkdownText.Inline(best.KeyParameters, 300));
        }

        foreach (var line in ReportNarrative.TargetLines(model))
        {
            md.Append("- ").AppendLine(line);
        }

        if (HoldoutReportText.HeadlineLine(model) is { } heldOut)
        {
            md.Append("- **").Append(MarkdownText.Inline(heldOut, 400)).AppendLine("**");
        }

        foreach (var note in model.Notes)
        {
            md.Append("- _Note:_ ").AppendLine(MarkdownText.Inline(note));
        }

        md.AppendLine();
        if (metricImage is not null)
        {
            md.Append("![").Append(MarkdownText.Inline(model.MetricName)).Append(" over time](").Append(metricImage).AppendLine(")").AppendLine();
        }

        RenderSuggestions(md, model);
        RenderLeaderboard(md, model);
        RenderHoldout(md, model);
        RenderTop(md, model);
        RenderAgents(md, model, charts);
        RenderModelCalls(md, model);
        RenderCostPerGain(md, model);
        RenderFailures(md, model);
        RenderStoppedEarly(md, model);
        RenderJournal(md, model);
        RenderExperiments(md, model);
        RenderReproduce(md, model);
        return md.ToString();
    }

    private static void RenderLeaderboard(StringBuilder md, CampaignReportModel model)
    {
        if (model.Leaderboard.Count == 0)
        {
            return;
        }

        md.AppendLine("## Leaderboard").AppendLine();
        md.AppendLine(model.Noise.UsesMinimumImprovement
            ? $"No run-to-run noise could be measured{(model.Noise.IdenticalRepeats ? " (the repeats were identical)" : "")}: each new best had to beat the one before by the minimum improvement {model.Noise.MinImprovement}, and no confidence is claimed (margin = that minimum)."
            : "Each new best had to beat the one before on fresh confirmation runs by more than the measured noise, at a campaign-wide confidence corrected for the comparisons made.").AppendLine();
        md.AppendLine("| # | experiment | agent | objective (mean ± sd) | runs | confidence | margin | accepted |");
        md.AppendLine("|--:|---|---|--:|--:|--:|--:|---|");
        foreach (var e in model.Leaderboard)
        {
            md.Append("| ").Append(e.Index)
              .Append(" | #").Append(e.Sequence).Append(e.Index == 0 ? " (baseline)" : "")
              .Append(" | ").Append(MarkdownText.Inline(e.AgentId))
              .Append(" | ").Append(ReportFormat.Objective(e.Objective)).Append(e.StdDev is { } sd ? " ± " + ReportFormat.Objective(sd) : "")
              .Append(" | ").Append(e.Runs)
              .Append(" | ").Append(e.Confidence is { } c ? ReportFormat.Confidence(c) : ReportFormat.Missing)
              .Append(" | ").Append(e.Margin is { } m ? ReportFormat.Objective(m) : ReportFormat.Missing)
              .Append(" | ").Append(ReportFormat.Time(e.AcceptedAt))
              .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void RenderHoldout(StringBuilder md, CampaignReportModel model)
    {
        if (model.Holdout.IsEmpty)
        {
            return;
        }

        md.Append("## ").AppendLine(HoldoutReportText.SectionTitle).AppendLine();
        md.AppendLine(HoldoutReportText.Intro).AppendLine();
        md.AppendLine("| rank | experiment | agent | in-sample | held-out (mean ± sd) | held-out − in-sample | verdict |");
        md.AppendLine("|--:|---|---|--:|--:|--:|---|");
        foreach (var r in HoldoutReportText.Rows(model.Holdout))
        {
            var answer = r.ExperimentId == model.Holdout.FinalAnswerId;
            md.Append("| ").Append(r.Rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ReportFormat.Missing)
              .Append(" | #").Append(r.Sequence).Append(r.IsBaseline ? " (baseline)" : "").Append(answer ? " **final answer**" : "")
              .Append(" | ").Append(MarkdownText.Inline(r.AgentId))
              .Append(" | ").Append(HoldoutReportText.InSample(r))
              .Append(" | ").Append(HoldoutReportText.HeldOut(r))
              .Append(" | ").Append(HoldoutReportText.Gap(r))
              .Append(" | ").Append(r.DidNotHoldUp ? "**did not hold up**" : HoldoutReportText.Verdict(r.Verdict))
              .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void RenderSuggestions(StringBuilder md, CampaignReportModel model)
    {
        md.AppendLine("## Suggestions for the next night").AppendLine();
        var advice = model.Advice;
        if (advice.FromModel.Count > 0)
        {
            md.Append("Written by the model ").Append(MarkdownText.Code(advice.Model ?? "?")).Append(" (").Append(ReportFormat.Tokens(advice.Tokens)).AppendLine(" tokens) from this report:").AppendLine();
            for (var i = 0; i < advice.FromModel.Count; i++)
            {
                md.Append(i + 1).Append(". ").AppendLine(MarkdownText.Inline(advice.FromModel[i], 1000));
            }

            md.AppendLine();
        }
        else if (advice.ModelProblem is { } problem)
        {
            md.Append("_No model-written suggestions: ").Append(MarkdownText.Inline(problem, 300)).AppendLine("_").AppendLine();
        }

        md.AppendLine(advice.FromModel.Count > 0 ? "Rule-based checks:" : "From rule-based checks of this campaign:").AppendLine();
        if (advice.Rules.Count == 0)
        {
            md.AppendLine("- No check found anything to change: continue from the best.").AppendLine();
            return;
        }

        foreach (var r in advice.Rules)
        {
            md.Append("- **").Append(MarkdownText.Inline(r.Text)).Append("** ").AppendLine(MarkdownText.Inline(r.Evidence));
        }

        md.AppendLine();
    }

    private static void RenderTop(StringBuilder md, CampaignReportModel model)
    {
        if (model.TopExperiments.Count == 0)
        {
            return;
        }

        md.AppendLine("## Top experiments").AppendLine();
        md.AppendLine("| rank | # | agent | objective (mean) | runs | verdict | changed from the defaults | hypothesis |");
        md.AppendLine("|--:|--:|---|--:|--:|---|---|---|");
        foreach (var t in model.TopExperiments)
        {
            md.Append("| ").Append(t.Rank)
              .Append(" | ").Append(t.Row.Sequence)
              .Append(" | ").Append(MarkdownText.Inline(t.Row.AgentId))
              .Append(" | ").Append(ReportFormat.Objective(t.Mean)).Append(ReportNarrative.Marks(t.Row))
              .Append(" | ").Append(t.Runs)
              .Append(" | ").Append(ReportNarrative.VerdictText(t.Row))
              .Append(" | ").Append(MarkdownText.Inline(ReportNarrative.ChangedParameters(t), 300))
              .Append(" | ").Append(MarkdownText.Inline(t.Row.Hypothesis, 200))
              .AppendLine(" |");
        }

        md.AppendLine();
        foreach (var t in model.TopExperiments.Where(t => t.Diff is not null))
        {
            md.Append("Diff of #").Append(t.Row.Sequence).Append(" (rank ").Append(t.Rank).AppendLine(") against the baseline code:").AppendLine();
            md.AppendLine(MarkdownText.Fenced(ReportNarrative.Clip(t.Diff, 4000), "diff")).AppendLine();
        }
    }

    private static void RenderAgentSections(StringBuilder md, CampaignReportModel model)
    {
        foreach (var a in model.Agents)
        {
            var n = a.Narrative;
            md.Append("### ").Append(MarkdownText.Inline(a.Id)).Append(" (").Append(MarkdownText.Inline(ReportNarrative.AgentKind(a))).AppendLine(")").AppendLine();
            md.Append("- Tried: ").AppendLine(MarkdownText.Inline(ReportNarrative.Tried(a)));
            if (n.Explored.Count > 0)
            {
                md.Append("- Explored: ").AppendLine(MarkdownText.Inline(string.Join("; ", n.Explored)));
            }

            md.Append("- Best: ").AppendLine(MarkdownText.Inline(ReportNarrative.AgentBest(a)));
            md.Append("- Used: ").AppendLine(MarkdownText.Inline(ReportNarrative.AgentUse(a)));
            md.Append("- Journal: ").AppendLine(n.JournalCounts.Length > 0 ? MarkdownText.Inline(n.JournalCounts) : "nothing written");
            foreach (var h in n.RecentHypotheses)
            {
                md.Append("- Hypothesis ").AppendLine(MarkdownText.Inline(h, 300));
            }

            md.AppendLine();
            foreach (var e in n.LatestReflections)
            {
                md.Append("> **").Append(e.Kind).Append("** · ").Append(ReportFormat.Time(e.At)).Append(": ").AppendLine(MarkdownText.Inline(ReportNarrative.Clip(e.Text, 600)));
                md.AppendLine();
            }
        }
    }

    private static void RenderAgents(StringBuilder md, CampaignReportModel model, IReadOnlyList<ReportChart> charts)
    {
        md.AppendLine("## Agents").AppendLine();
        if (model.Agents.Count == 0)
        {
            md.AppendLine("No agents.").AppendLine();
            return;
        }

        md.AppendLine("| agent | role | proposer | model | experiments | succeeded | failed | stopped early | new bests | best |");
        md.AppendLine("|---|---|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var a in model.Agents)
        {
            md.Append("| ").Append(MarkdownText.Inline(a.Id))
              .Append(" | ").Append(MarkdownText.Inline(a.Role))
              .Append(" | ").Append(MarkdownText.Inline(a.Proposer))
              .Append(" | ").Append(MarkdownText.Inline(a.Failover is { } f ? $"{a.Model} (failover: {f})" : a.Model ?? ReportFormat.Missing))
              .Append(" | ").Append(a.Experiments)
              .Append(" | ").Append(a.Succeeded)
              .Append(" | ").Append(a.Failed)
              .Append(" | ").Append(a.Pruned)
              .Append(" | ").Append(a.NewBests)
              .Append(" | ").Append(ReportFormat.Objective(a.Best))
              .AppendLine(" |");
        }

        md.AppendLine();
        md.AppendLine("### Budgets").AppendLine();
        md.AppendLine("Used / budget (the campaign file's, with the changes made while it ran; unlimited = no limit). Early stops give back what was reserved for the run's worst case (time limit + 5 s) but not used.").AppendLine();
        md.AppendLine("| agent | tokens used / budget | CPU s used / budget | GPU s used / budget | stopped early | CPU s refunded | within budget |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|---|");
        foreach (var a in model.Agents)
        {
            md.Append("| ").Append(MarkdownText.Inline(a.Id))
              .Append(" | ").Append(ReportNarrative.TokensOfBudget(a.Tokens, a.TokenBudget))
              .Append(" | ").Append(ReportNarrative.UsedOfBudget(a.CpuSeconds, a.CpuBudgetSeconds))
              .Append(" | ").Append(ReportNarrative.UsedOfBudget(a.GpuSeconds, a.GpuBudgetSeconds))
              .Append(" | ").Append(a.Pruned)
              .Append(" | ").Append(ReportFormat.Seconds(a.CpuSecondsRefunded))
              .Append(" | ").Append(a.WithinBudget ? "yes" : "**no**")
              .AppendLine(" |");
        }

        if (!model.CampaignBudget.IsUnlimited)
        {
            var used = model.CampaignUsed;
            var budget = model.CampaignBudget;
            md.Append("| _campaign_")
              .Append(" | ").Append(ReportNarrative.TokensOfBudget(used.Tokens, budget.Tokens))
              .Append(" | ").Append(ReportNarrative.UsedOfBudget(used.CpuSeconds, budget.CpuSeconds))
              .Append(" | ").Append(ReportNarrative.UsedOfBudget(used.GpuSeconds, budget.GpuSeconds))
              .Append(" | ").Append(model.Pruned)
              .Append(" | ").Append(ReportFormat.Seconds(model.Agents.Sum(a => a.CpuSecondsRefunded)))
              .Append(" | ").Append(budget.WhyNotFits(used, Abstractions.Specs.ResourceUse.Zero) is null ? "yes" : "**no**")
              .AppendLine(" |");
        }

        md.AppendLine();
        foreach (var change in model.BudgetChanges)
        {
            md.Append("- Budget change ").AppendLine(MarkdownText.Inline(change));
        }

        if (model.BudgetChanges.Count > 0)
        {
            md.AppendLine();
        }

        foreach (var chart in charts.Where(c => c.FileName != ReportCharts.MetricFileName))
        {
            md.Append("![").Append(MarkdownText.Inline(chart.Title)).Append("](").Append(chart.FileName).AppendLine(")").AppendLine();
        }

        RenderAgentSections(md, model);
    }

    private static void RenderCostPerGain(StringBuilder md, CampaignReportModel model)
    {
        var cost = model.CostPerGain;
        if (cost.Agents.Count == 0)
        {
            return;
        }

        md.Append("## ").AppendLine(CostPerGainText.Title).AppendLine();
        md.AppendLine(MarkdownText.Inline(cost.Verdict())).AppendLine();
        md.AppendLine(MarkdownText.Inline(CostPerGainText.Explanation(cost))).AppendLine();
        Table(md, CostPerGainText.Headers(cost, "agent"), CostPerGainText.Rows(cost, cost.Agents));
        if (cost.Models.Count > 0)
        {
            Table(md, CostPerGainText.Headers(cost, "model"), CostPerGainText.Rows(cost, cost.Models));
        }

        if (cost.Rejections.Count > 0)
        {
            md.Append("### ").AppendLine(CostPerGainText.RejectionsTitle).AppendLine();
            md.AppendLine("Proposals each endpoint/model made and how many were rejected before running (unusable answers, edits that did not apply, invalid values).").AppendLine();
            Table(md, CostPerGainText.RejectionHeaders, CostPerGainText.RejectionRows(cost));
        }
    }

    private static void Table(StringBuilder md, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        md.Append("| ").Append(string.Join(" | ", headers.Select(h => MarkdownText.Inline(h)))).AppendLine(" |");
        md.Append('|').Append(string.Join("|", headers.Select((_, i) => i == 0 ? "---" : "--:"))).AppendLine("|");
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(c => MarkdownText.Inline(c)))).AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void RenderModelCalls(StringBuilder md, CampaignReportModel model)
    {
        if (model.ModelCalls.Count == 0)
        {
            return;
        }

        md.AppendLine("## Model calls").AppendLine();
        md.AppendLine("| agent | provider | model | calls | prompt tokens | completion tokens | total tokens | not ok | mean latency |");
        md.AppendLine("|---|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var c in model.ModelCalls)
        {
            md.Append("| ").Append(MarkdownText.Inline(c.AgentId))
              .Append(" | ").Append(MarkdownText.Inline(c.Provider))
              .Append(" | ").Append(MarkdownText.Inline(c.Model))
              .Append(" | ").Append(c.Calls)
              .Append(" | ").Append(ReportFormat.Tokens(c.PromptTokens))
              .Append(" | ").Append(ReportFormat.Tokens(c.CompletionTokens))
              .Append(" | ").Append(ReportFormat.Tokens(c.TotalTokens))
              .Append(" | ").Append(c.Failures)
              .Append(" | ").Append(ReportFormat.Milliseconds(c.MeanLatencyMs))
              .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void RenderStoppedEarly(StringBuilder md, CampaignReportModel model)
    {
        if (model.StoppedEarly.Count == 0)
        {
            return;
        }

        md.AppendLine("## Stopped early").AppendLine();
        md.AppendLine("The benchmark's early-stopping rule stopped these runs as hopeless; they are neither successes nor failures.").AppendLine();
        var stopped = ReportSampling.Thin(model.StoppedEarly, ReportSampling.MaxStoppedEarlyRows, _ => false);
        if (stopped.Count < model.StoppedEarly.Count)
            md.Append("Showing ").Append(stopped.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).Append(" of ")
              .Append(model.StoppedEarly.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" runs stopped early (an even sample).").AppendLine();
        md.AppendLine("| # | agent | kind | last objective | ran | CPU s used | CPU s refunded | why |");
        md.AppendLine("|--:|---|---|--:|--:|--:|--:|---|");
        foreach (var r in stopped)
        {
            md.Append("| ").Append(r.Sequence)
              .Append(" | ").Append(MarkdownText.Inline(r.AgentId))
              .Append(" | ").Append(ReportNarrative.KindText(r))
              .Append(" | ").Append(ReportFormat.Objective(r.Objective))
              .Append(" | ").Append(ReportFormat.Duration(r.Duration))
              .Append(" | ").Append(ReportFormat.Seconds(r.CpuSeconds))
              .Append(" | ").Append(ReportFormat.Seconds(r.CpuSecondsRefunded))
              .Append(" | ").Append(MarkdownText.Inline(r.Reason is { Length: > 0 } why ? why : "(no reason recorded)", 300))
              .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void RenderFailures(StringBuilder md, CampaignReportModel model)
    {
        md.AppendLine("## Failures").AppendLine();
        if (model.FailuresByKind.Count == 0)
        {
            md.AppendLine("No experiment failed.").AppendLine();
            return;
        }

        md.AppendLine("| cause | count | example |");
        md.AppendLine("|---|--:|---|");
        foreach (var g in model.FailuresByKind)
        {
            md.Append("| ").Append(ReportFormat.FailureKindName(g.Kind))
              .Append(" | ").Append(g.Count)
              .Append(" | ").Append(MarkdownText.Code(g.ExampleExperimentId)).AppendLine(" |");
        }

        md.AppendLine();
        foreach (var g in model.FailuresByKind)
        {
            md.Append("### ").Append(ReportFormat.FailureKindName(g.Kind)).Append(" (").Append(g.Count).AppendLine(")").AppendLine();
            md.Append("Example: ").AppendLine(MarkdownText.Code(g.ExampleExperimentId)).AppendLine();
            md.AppendLine(MarkdownText.Fenced(ReportNarrative.Clip(g.ExampleReason, 1500) is { Length: > 0 } r ? r : "(no reason recorded)"));
            md.AppendLine();
        }
    }

    private static void RenderJournal(StringBuilder md, CampaignReportModel model)
    {
        md.AppendLine("## Journal").AppendLine();
        if (model.Journal.Count == 0)
        {
            md.AppendLine("No reflections were written.").AppendLine();
            return;
        }

        foreach (var author in model.Journal)
        {
            md.Append("### ").Append(MarkdownText.Inline(author.Author))
              .Append(" (latest ").Append(author.Recent.Count).Append(" of ").Append(author.Total).AppendLine(")").AppendLine();
            foreach (var e in author.Recent)
            {
                md.Append("**").Append(e.Kind).Append("** · ").Append(ReportFormat.Time(e.At));
                if (e.ExperimentId is not null)
                {
                    md.Append(" · ").Append(MarkdownText.Code(e.ExperimentId));
                }

                md.AppendLine().AppendLine();
                md.AppendLine(MarkdownText.Quote(ReportNarrative.Clip(e.Text, 4000))).AppendLine();
            }
        }
    }

    private static void RenderExperiments(StringBuilder md, CampaignReportModel model)
    {
        md.AppendLine("## Experiments").AppendLine();
        if (model.Experiments.Count == 0)
        {
            md.AppendLine("No experiments have been recorded yet.").AppendLine();
            return;
        }

        md.AppendLine("★ best · ▲ new best when it finished · B baseline").AppendLine();
        var rows = ReportSampling.TableRows(model);
        if (ReportSampling.ShownText(rows.Count, model.Experiments.Count, "experiments") is { } shownText)
            md.AppendLine(shownText).AppendLine();
        md.AppendLine("| # | agent | proposer | kind | status | verdict | objective | duration | key parameters | hypothesis / failure reason |");
        md.AppendLine("|--:|---|---|---|---|---|--:|--:|---|---|");
        foreach (var r in rows)
        {
            md.Append("| ").Append(r.Sequence)
              .Append(" | ").Append(MarkdownText.Inline(r.AgentId))
              .Append(" | ").Append(MarkdownText.Inline(r.ProposerName))
              .Append(" | ").Append(ReportNarrative.KindText(r))
              .Append(" | ").Append(ReportNarrative.StatusText(r))
              .Append(" | ").Append(ReportNarrative.VerdictText(r))
              .Append(" | ").Append(ReportFormat.Objective(r.Objective)).Append(ReportNarrative.Marks(r))
              .Append(" | ").Append(ReportFormat.Duration(r.Duration))
              .Append(" | ").Append(MarkdownText.Inline(r.KeyParameters, 120))
              .Append(" | ").Append(r.Status is ExperimentStatus.Failed or ExperimentStatus.Pruned
                  ? "**" + MarkdownText.Inline(r.Reason, 160) + "**"
                  : MarkdownText.Inline(r.Hypothesis, 160))
              .AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void RenderReproduce(StringBuilder md, CampaignReportModel model)
    {
        md.AppendLine("## Reproduce the best").AppendLine();
        if (model.Reproduce is not { } rep)
        {
            md.AppendLine("No experiment succeeded, so there is nothing to reproduce.").AppendLine();
            return;
        }

        md.Append("- Experiment: ").AppendLine(MarkdownText.Code(rep.ExperimentId));
        md.Append("- Agent: ").AppendLine(MarkdownText.Code(rep.AgentId));
        md.Append("- Objective: ").AppendLine(ReportFormat.Objective(rep.Objective));
        md.Append("- Image: ").Append(MarkdownText.Code(rep.Image));
        md.Append(" (id ").Append(rep.ImageId is null ? "not recorded" : MarkdownText.Code(rep.ImageId)).AppendLine(")");
        md.Append("- Seed: ").AppendLine(rep.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (rep.EditedFiles.Count > 0)
        {
            md.Append("- Edited files: ").AppendLine(string.Join(", ", rep.EditedFiles.Select(MarkdownText.Code)));
        }

        md.AppendLine().AppendLine("Parameters (save as `params.json`):").AppendLine();
        md.AppendLine(MarkdownText.Fenced(rep.ParametersJson, "json")).AppendLine();
        md.Append("Command line, run from a copy of the benchmark folder ").Append(MarkdownText.Code(rep.BenchmarkDirectory))
          .AppendLine(rep.Diff is null ? ":" : " with the diff below applied:").AppendLine();
        md.AppendLine(MarkdownText.Fenced(rep.CommandLine, "sh")).AppendLine();
        if (rep.Diff is not null)
        {
            md.AppendLine("Diff:").AppendLine();
            md.AppendLine(MarkdownText.Fenced(rep.Diff, "diff")).AppendLine();
        }
    }
}
