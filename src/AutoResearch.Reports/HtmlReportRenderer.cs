using System.Globalization;
using System.Net;
using System.Text;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Reports;

/// <summary>
/// Renders the morning report as one self-contained HTML page: inline CSS, charts as <c>data:</c> PNGs, no external
/// references, every piece of campaign- or experiment-provided text escaped, and a CSP that forbids scripts.
/// </summary>
public static class HtmlReportRenderer
{
    private const string Css = """
        :root { --fg:#1d232a; --muted:#5b6570; --line:#dde3e9; --bg:#ffffff; --alt:#f6f8fa; --good:#1a7f37; --bad:#c0392b; --accent:#0b5cad; }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px 32px 64px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); max-width: 1400px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 15px; margin: 20px 0 6px; }
        h4, h5, h6 { font-size: 14px; margin: 12px 0 4px; }
        .meta { color: var(--muted); margin: 2px 0; }
        .goal { font-size: 15px; margin: 8px 0 12px; }
        .headline { font-size: 18px; font-weight: 600; margin: 8px 0; padding: 12px 16px; background: var(--alt); border-left: 4px solid var(--accent); }
        .better { color: var(--good); } .worse { color: var(--bad); }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
        .card .n { font-size: 20px; font-weight: 600; } .card .l { color: var(--muted); font-size: 12px; }
        .note { color: #7a5b00; background: #fff8e1; border: 1px solid #f0e0a0; border-radius: 4px; padding: 6px 10px; margin: 6px 0; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; display: block; max-width: 100%; overflow-x: auto; }
        p, li, td, dd { overflow-wrap: anywhere; }
        th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
        th { background: var(--alt); position: sticky; top: 0; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr:nth-child(even) td { background: #fbfcfd; }
        tr.best td { background: #e6f4ea; font-weight: 600; }
        tr.final-answer td { background: #e6f4ea; }
        tr.did-not-hold-up td { background: #fdecea; }
        tr.failed td.status { color: var(--bad); }
        td.params, td.text { max-width: 420px; overflow-wrap: anywhere; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
        pre { background: var(--alt); border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
        img.chart { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
        .entry { border-left: 3px solid var(--line); padding: 2px 12px; margin: 8px 0; }
        .entry .when { color: var(--muted); font-size: 12px; }
        .legend { color: var(--muted); font-size: 12px; }
        section.agent { border-left: 4px solid var(--line); padding: 0 0 0 14px; margin: 16px 0; }
        section.agent ul, ul.rules { margin: 4px 0 8px; padding-left: 20px; }
        details { margin: 6px 0; } summary { cursor: pointer; color: var(--accent); }
        """;

    /// <param name="model">The campaign.</param>
    /// <param name="charts">The charts, embedded as data: PNGs; none when null.</param>
    public static string Render(CampaignReportModel model, IReadOnlyList<ReportChart>? charts = null)
    {
        charts ??= [];
        var metricPng = charts.FirstOrDefault(c => c.FileName == ReportCharts.MetricFileName)?.Png;
        var h = new StringBuilder(64 * 1024);
        h.AppendLine("<!DOCTYPE html>");
        h.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.AppendLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">");
        h.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Append("<title>").Append(E(ReportNarrative.Title(model) + ": " + model.Name)).AppendLine("</title>");
        h.Append("<style>").Append(Css).AppendLine("</style></head><body>");

        h.Append("<h1>").Append(E(ReportNarrative.Title(model))).Append(": ").Append(E(model.Name)).AppendLine("</h1>");
        if (!string.IsNullOrWhiteSpace(model.Goal))
        {
            h.Append("<p class=\"goal\"><strong>Goal:</strong> ").Append(E(model.Goal)).AppendLine("</p>");
        }

        h.Append("<p class=\"meta\">Campaign <code>").Append(E(model.CampaignId)).Append("</code> · benchmark <code>")
         .Append(E(model.BenchmarkName)).Append("</code> · metric <code>").Append(E(model.MetricName)).Append("</code> (")
         .Append(model.DirectionWord).Append(") · state <strong>").Append(model.State).Append("</strong>");
        if (!string.IsNullOrWhiteSpace(model.StateReason))
        {
            h.Append(" (").Append(E(ReportFormat.OneLine(model.StateReason, 300))).Append(')');
        }

        h.AppendLine("</p>");
        h.Append("<p class=\"meta\">Started ").Append(E(ReportFormat.Time(model.StartedAt))).Append(" · ended ")
         .Append(E(ReportFormat.Time(model.EndedAt))).Append(" · report built ").Append(E(ReportFormat.Time(model.GeneratedAt))).AppendLine("</p>");

        RenderHeadline(h, model);
        if (metricPng is { Length: > 0 })
        {
            h.AppendLine(Image(metricPng, model.MetricName + " over time"));
        }

        RenderSuggestions(h, model);
        RenderLeaderboard(h, model);
        RenderHoldout(h, model);
        RenderTop(h, model);
        RenderAgents(h, model, charts);
        RenderModelCalls(h, model);
        RenderCostPerGain(h, model);
        RenderFailures(h, model);
        RenderStoppedEarly(h, model);
        RenderJournal(h, model);
        RenderExperiments(h, model);
        RenderReproduce(h, model);
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    /// <summary>HTML-escapes text for element content and double-quoted attributes.</summary>
    internal static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Image(byte[] png, string alt) =>
        $"<p><img class=\"chart\" alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"></p>";

    private static void RenderHeadline(StringBuilder h, CampaignReportModel model)
    {
        h.AppendLine("<h2>Headline</h2>");
        var cls = model.RelativeImprovement switch { > 0 => " better", < 0 => " worse", _ => "" };
        h.Append("<div class=\"headline").Append(cls).Append("\">").Append(E(ReportNarrative.Headline(model))).AppendLine("</div>");

        h.AppendLine("<div class=\"cards\">");
        Card(h, ReportFormat.Objective(model.BaselineObjective), "baseline");
        Card(h, ReportFormat.Objective(model.BestObjective), "best");
        Card(h, ReportFormat.Percent(model.RelativeImprovement), "improvement");
        Card(h, model.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), "experiments");
        Card(h, model.Succeeded.ToString(System.Globalization.CultureInfo.InvariantCulture), "succeeded");
        Card(h, model.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture), "failed");
        if (model.Pruned > 0)
        {
            Card(h, model.Pruned.ToString(System.Globalization.CultureInfo.InvariantCulture), "stopped early");
        }

        if (model.AcceptedBest is not null)
        {
            Card(h, model.BestRuns.ToString(System.Globalization.CultureInfo.InvariantCulture), "runs behind the best");
            if (model.Noise.IdenticalRepeats)
                Card(h, "identical", $"repeats: no confidence, min improvement {model.Noise.MinImprovement}");
            else
                Card(h, ReportFormat.Objective(model.NoiseStdDev), "noise σ");
        }

        if (model.Pending > 0)
        {
            Card(h, model.Pending.ToString(System.Globalization.CultureInfo.InvariantCulture), "pending");
        }

        h.AppendLine("</div>");
        h.AppendLine("<ul>");
        if (ReportNarrative.ConfidenceLine(model) is { } confidence)
        {
            h.Append("<li>").Append(E(confidence)).AppendLine("</li>");
        }

        if (model.Best is { } best)
        {
            h.Append("<li>Best: experiment <code>").Append(E(best.Id)).Append("</code> (#").Append(best.Sequence).Append(") by <code>")
             .Append(E(best.AgentId)).Append("</code>: ").Append(E(best.KeyParameters)).AppendLine("</li>");
        }

        foreach (var line in ReportNarrative.TargetLines(model))
        {
            h.Append("<li>").Append(E(line)).AppendLine("</li>");
        }

        if (HoldoutReportText.HeadlineLine(model) is { } heldOut)
        {
            h.Append("<li class=\"holdout\"><strong>").Append(E(heldOut)).AppendLine("</strong></li>");
        }

        h.AppendLine("</ul>");
        foreach (var note in model.Notes)
        {
            h.Append("<div class=\"note\">").Append(E(note)).AppendLine("</div>");
        }
    }

    private static void Card(StringBuilder h, string value, string label) =>
        h.Append("<div class=\"card\"><div class=\"n\">").Append(E(value)).Append("</div><div class=\"l\">").Append(E(label)).AppendLine("</div></div>");

    private static void RenderLeaderboard(StringBuilder h, CampaignReportModel model)
    {
        if (model.Leaderboard.Count == 0)
        {
            return;
        }

        h.AppendLine("<h2>Leaderboard</h2>");
        h.Append("<p>").Append(E(model.Noise.UsesMinimumImprovement
            ? $"No run-to-run noise could be measured{(model.Noise.IdenticalRepeats ? " (the repeats were identical)" : "")}: each new best had to beat the one before by the minimum improvement {model.Noise.MinImprovement}, and no confidence is claimed (margin = that minimum)."
            : "Each new best had to beat the one before on fresh confirmation runs by more than the measured noise, at a campaign-wide confidence corrected for the comparisons made.")).AppendLine("</p>");
        h.AppendLine("<table><thead><tr><th class=\"num\">#</th><th>experiment</th><th>agent</th><th class=\"num\">objective (mean ± sd)</th><th class=\"num\">runs</th><th class=\"num\">confidence</th><th class=\"num\">margin</th><th>accepted</th></tr></thead><tbody>");
        foreach (var e in model.Leaderboard)
        {
            var value = ReportFormat.Objective(e.Objective) + (e.StdDev is { } sd ? " ± " + ReportFormat.Objective(sd) : "");
            h.Append("<tr><td class=\"num\">").Append(e.Index)
             .Append("</td><td><a href=\"#exp-").Append(e.Sequence).Append("\">#").Append(e.Sequence).Append("</a>").Append(e.Index == 0 ? " (baseline)" : "")
             .Append("</td><td>").Append(E(e.AgentId))
             .Append("</td><td class=\"num\">").Append(E(value))
             .Append("</td><td class=\"num\">").Append(e.Runs)
             .Append("</td><td class=\"num\">").Append(E(e.Confidence is { } c ? ReportFormat.Confidence(c) : ReportFormat.Missing))
             .Append("</td><td class=\"num\">").Append(E(e.Margin is { } m ? ReportFormat.Objective(m) : ReportFormat.Missing))
             .Append("</td><td>").Append(E(ReportFormat.Time(e.AcceptedAt)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
    }

    private static void RenderHoldout(StringBuilder h, CampaignReportModel model)
    {
        if (model.Holdout.IsEmpty)
        {
            return;
        }

        h.Append("<h2>").Append(E(HoldoutReportText.SectionTitle)).AppendLine("</h2>");
        h.Append("<p>").Append(E(HoldoutReportText.Intro)).AppendLine("</p>");
        h.AppendLine("<table class=\"holdout\"><thead><tr><th class=\"num\">rank</th><th>experiment</th><th>agent</th><th class=\"num\">in-sample</th><th class=\"num\">held-out (mean ± sd)</th><th class=\"num\">held-out − in-sample</th><th>verdict</th></tr></thead><tbody>");
        foreach (var r in HoldoutReportText.Rows(model.Holdout))
        {
            var answer = r.ExperimentId == model.Holdout.FinalAnswerId;
            h.Append("<tr").Append(r.DidNotHoldUp ? " class=\"did-not-hold-up\"" : answer ? " class=\"final-answer\"" : "").Append("><td class=\"num\">")
             .Append(E(r.Rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ReportFormat.Missing))
             .Append("</td><td><a href=\"#exp-").Append(r.Sequence).Append("\">#").Append(r.Sequence).Append("</a>")
             .Append(r.IsBaseline ? " (baseline)" : "").Append(answer ? " <strong>final answer</strong>" : "")
             .Append("</td><td>").Append(E(r.AgentId))
             .Append("</td><td class=\"num\">").Append(E(HoldoutReportText.InSample(r)))
             .Append("</td><td class=\"num\">").Append(E(HoldoutReportText.HeldOut(r)))
             .Append("</td><td class=\"num\">").Append(E(HoldoutReportText.Gap(r)))
             .Append("</td><td>").Append(r.DidNotHoldUp ? "<strong>did not hold up</strong>" : E(HoldoutReportText.Verdict(r.Verdict)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
    }

    private static void RenderSuggestions(StringBuilder h, CampaignReportModel model)
    {
        h.AppendLine("<h2>Suggestions for the next night</h2>");
        var advice = model.Advice;
        if (advice.FromModel.Count > 0)
        {
            h.Append("<p>Written by the model <code>").Append(E(advice.Model ?? "?")).Append("</code> (").Append(E(ReportFormat.Tokens(advice.Tokens)))
             .AppendLine(" tokens) from this report:</p><ol class=\"advice\">");
            foreach (var item in advice.FromModel)
            {
                h.Append("<li>").Append(E(ReportFormat.OneLine(item, 1000))).AppendLine("</li>");
            }

            h.AppendLine("</ol>");
        }
        else if (advice.ModelProblem is { } problem)
        {
            h.Append("<p class=\"note\">No model-written suggestions: ").Append(E(ReportFormat.OneLine(problem, 300))).AppendLine("</p>");
        }

        h.Append("<p>").Append(advice.FromModel.Count > 0 ? "Rule-based checks:" : "From rule-based checks of this campaign:").AppendLine("</p>");
        if (advice.Rules.Count == 0)
        {
            h.AppendLine("<ul><li>No check found anything to change: continue from the best.</li></ul>");
            return;
        }

        h.AppendLine("<ul class=\"rules\">");
        foreach (var r in advice.Rules)
        {
            h.Append("<li><strong>").Append(E(r.Text)).Append("</strong> <span class=\"legend\">").Append(E(r.Evidence)).AppendLine("</span></li>");
        }

        h.AppendLine("</ul>");
    }

    private static void RenderTop(StringBuilder h, CampaignReportModel model)
    {
        if (model.TopExperiments.Count == 0)
        {
            return;
        }

        h.AppendLine("<h2>Top experiments</h2>");
        h.AppendLine("<table><thead><tr><th class=\"num\">rank</th><th class=\"num\">#</th><th>agent</th><th class=\"num\">objective (mean)</th><th class=\"num\">runs</th><th>verdict</th><th>changed from the defaults</th><th>hypothesis</th></tr></thead><tbody>");
        foreach (var t in model.TopExperiments)
        {
            h.Append("<tr").Append(t.Row.IsBest ? " class=\"best\"" : "").Append("><td class=\"num\">").Append(t.Rank)
             .Append("</td><td class=\"num\"><a href=\"#exp-").Append(t.Row.Sequence).Append("\">").Append(t.Row.Sequence).Append("</a>")
             .Append("</td><td>").Append(E(t.Row.AgentId))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Objective(t.Mean) + ReportNarrative.Marks(t.Row)))
             .Append("</td><td class=\"num\">").Append(t.Runs)
             .Append("</td><td>").Append(E(ReportNarrative.VerdictText(t.Row)))
             .Append("</td><td class=\"params\">").Append(E(ReportFormat.OneLine(ReportNarrative.ChangedParameters(t), 400)))
             .Append("</td><td class=\"text\">").Append(E(ReportFormat.OneLine(t.Row.Hypothesis, 300)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
        foreach (var t in model.TopExperiments.Where(t => t.Diff is not null))
        {
            h.Append("<details><summary>Diff of #").Append(t.Row.Sequence).Append(" (rank ").Append(t.Rank).AppendLine(") against the baseline code</summary>");
            h.Append("<pre>").Append(E(ReportNarrative.Clip(t.Diff, 4000))).AppendLine("</pre></details>");
        }
    }

    private static void RenderAgentSections(StringBuilder h, CampaignReportModel model)
    {
        for (var i = 0; i < model.Agents.Count; i++)
        {
            var a = model.Agents[i];
            var n = a.Narrative;
            var color = ReportCharts.AgentColor(i).ToHex();
            h.Append("<section class=\"agent\" style=\"border-left-color:").Append(E(color)).Append("\"><h3>").Append(E(a.Id))
             .Append(" <span class=\"legend\">").Append(E(ReportNarrative.AgentKind(a))).AppendLine("</span></h3><ul>");
            h.Append("<li><strong>Tried:</strong> ").Append(E(ReportNarrative.Tried(a))).AppendLine("</li>");
            if (n.Explored.Count > 0)
            {
                h.Append("<li><strong>Explored:</strong> ").Append(E(string.Join("; ", n.Explored))).AppendLine("</li>");
            }

            h.Append("<li><strong>Best:</strong> ").Append(E(ReportNarrative.AgentBest(a))).AppendLine("</li>");
            h.Append("<li><strong>Used:</strong> ").Append(E(ReportNarrative.AgentUse(a))).AppendLine("</li>");
            h.Append("<li><strong>Journal:</strong> ").Append(E(n.JournalCounts.Length > 0 ? n.JournalCounts : "nothing written")).AppendLine("</li>");
            foreach (var hypothesis in n.RecentHypotheses)
            {
                h.Append("<li><strong>Hypothesis</strong> ").Append(E(hypothesis)).AppendLine("</li>");
            }

            h.AppendLine("</ul>");
            foreach (var e in n.LatestReflections)
            {
                h.Append("<div class=\"entry\"><div class=\"when\"><strong>").Append(e.Kind).Append("</strong> · ").Append(E(ReportFormat.Time(e.At)))
                 .Append("</div>").Append(SafeMarkdown.ToHtml(ReportNarrative.Clip(e.Text, 600))).AppendLine("</div>");
            }

            h.AppendLine("</section>");
        }
    }

    private static void RenderAgents(StringBuilder h, CampaignReportModel model, IReadOnlyList<ReportChart> charts)
    {
        h.AppendLine("<h2>Agents</h2>");
        if (model.Agents.Count == 0)
        {
            h.AppendLine("<p>No agents.</p>");
            return;
        }

        h.AppendLine("<table><thead><tr><th>agent</th><th>role</th><th>proposer</th><th>model</th><th class=\"num\">experiments</th><th class=\"num\">succeeded</th><th class=\"num\">failed</th><th class=\"num\">stopped early</th><th class=\"num\">new bests</th><th class=\"num\">best</th></tr></thead><tbody>");
        foreach (var a in model.Agents)
        {
            h.Append("<tr><td>").Append(E(a.Id)).Append("</td><td>").Append(E(a.Role)).Append("</td><td>").Append(E(a.Proposer))
             .Append("</td><td>").Append(E(a.Failover is { } f ? $"{a.Model} (failover: {f})" : a.Model ?? ReportFormat.Missing))
             .Append("</td><td class=\"num\">").Append(a.Experiments)
             .Append("</td><td class=\"num\">").Append(a.Succeeded)
             .Append("</td><td class=\"num\">").Append(a.Failed)
             .Append("</td><td class=\"num\">").Append(a.Pruned)
             .Append("</td><td class=\"num\">").Append(a.NewBests)
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Objective(a.Best)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
        h.AppendLine("<h3>Budgets</h3>");
        h.AppendLine("<p class=\"legend\">Used / budget (the campaign file's, with the changes made while it ran; unlimited = no limit). Early stops give back what was reserved for the run's worst case (time limit + 5 s) but not used.</p>");
        h.AppendLine("<table><thead><tr><th>agent</th><th class=\"num\">tokens used / budget</th><th class=\"num\">CPU s used / budget</th><th class=\"num\">GPU s used / budget</th><th class=\"num\">stopped early</th><th class=\"num\">CPU s refunded</th><th>within budget</th></tr></thead><tbody>");
        foreach (var a in model.Agents)
        {
            BudgetRow(h, E(a.Id), a.Tokens, a.TokenBudget, a.CpuSeconds, a.CpuBudgetSeconds, a.GpuSeconds, a.GpuBudgetSeconds, a.Pruned, a.CpuSecondsRefunded, a.WithinBudget);
        }

        if (!model.CampaignBudget.IsUnlimited)
        {
            var used = model.CampaignUsed;
            var budget = model.CampaignBudget;
            BudgetRow(h, "<em>campaign</em>", used.Tokens, budget.Tokens, used.CpuSeconds, budget.CpuSeconds, used.GpuSeconds, budget.GpuSeconds,
                model.Pruned, model.Agents.Sum(a => a.CpuSecondsRefunded), budget.WhyNotFits(used, Abstractions.Specs.ResourceUse.Zero) is null);
        }

        h.AppendLine("</tbody></table>");
        if (model.BudgetChanges.Count > 0)
        {
            h.AppendLine("<ul>");
            foreach (var change in model.BudgetChanges)
            {
                h.Append("<li>Budget change ").Append(E(change)).AppendLine("</li>");
            }

            h.AppendLine("</ul>");
        }

        foreach (var chart in charts.Where(c => c.FileName != ReportCharts.MetricFileName && c.Png.Length > 0))
        {
            h.AppendLine(Image(chart.Png, chart.Title));
        }

        RenderAgentSections(h, model);
    }

    private static void BudgetRow(
        StringBuilder h, string nameHtml, long tokens, long tokenBudget, double cpu, double cpuBudget, double gpu, double gpuBudget,
        int pruned, double refunded, bool within) =>
        h.Append("<tr><td>").Append(nameHtml)
         .Append("</td><td class=\"num\">").Append(E(ReportNarrative.TokensOfBudget(tokens, tokenBudget)))
         .Append("</td><td class=\"num\">").Append(E(ReportNarrative.UsedOfBudget(cpu, cpuBudget)))
         .Append("</td><td class=\"num\">").Append(E(ReportNarrative.UsedOfBudget(gpu, gpuBudget)))
         .Append("</td><td class=\"num\">").Append(pruned)
         .Append("</td><td class=\"num\">").Append(E(ReportFormat.Seconds(refunded)))
         .Append("</td><td").Append(within ? ">yes" : " class=\"worse\"><strong>no</strong>")
         .AppendLine("</td></tr>");

    private static void RenderCostPerGain(StringBuilder h, CampaignReportModel model)
    {
        var cost = model.CostPerGain;
        if (cost.Agents.Count == 0)
        {
            return;
        }

        h.Append("<h2 id=\"cost-per-gain\">").Append(E(CostPerGainText.Title)).AppendLine("</h2>");
        h.Append("<p><strong>").Append(E(cost.Verdict())).AppendLine("</strong></p>");
        h.Append("<p>").Append(E(CostPerGainText.Explanation(cost))).AppendLine("</p>");
        Table(h, "cost-per-gain-agents", CostPerGainText.Headers(cost, "agent"), CostPerGainText.Rows(cost, cost.Agents));
        if (cost.Models.Count > 0)
        {
            Table(h, "cost-per-gain-models", CostPerGainText.Headers(cost, "model"), CostPerGainText.Rows(cost, cost.Models));
        }

        if (cost.Rejections.Count > 0)
        {
            h.Append("<h3>").Append(E(CostPerGainText.RejectionsTitle)).AppendLine("</h3>");
            Table(h, "model-rejections", CostPerGainText.RejectionHeaders, CostPerGainText.RejectionRows(cost));
        }
    }

    private static void Table(StringBuilder h, string id, IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        h.Append("<table id=\"").Append(id).Append("\"><thead><tr>");
        for (var i = 0; i < headers.Count; i++)
        {
            h.Append(i == 0 ? "<th>" : "<th class=\"num\">").Append(E(headers[i])).Append("</th>");
        }

        h.AppendLine("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            h.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                h.Append(i == 0 ? "<td>" : "<td class=\"num\">").Append(E(row[i])).Append("</td>");
            }

            h.AppendLine("</tr>");
        }

        h.AppendLine("</tbody></table>");
    }

    private static void RenderModelCalls(StringBuilder h, CampaignReportModel model)
    {
        if (model.ModelCalls.Count == 0)
        {
            return;
        }

        h.AppendLine("<h2>Model calls</h2>");
        h.AppendLine("<table><thead><tr><th>agent</th><th>provider</th><th>model</th><th class=\"num\">calls</th><th class=\"num\">prompt tokens</th><th class=\"num\">completion tokens</th><th class=\"num\">total tokens</th><th class=\"num\">not ok</th><th class=\"num\">mean latency</th></tr></thead><tbody>");
        foreach (var c in model.ModelCalls)
        {
            h.Append("<tr><td>").Append(E(c.AgentId))
             .Append("</td><td>").Append(E(c.Provider))
             .Append("</td><td>").Append(E(c.Model))
             .Append("</td><td class=\"num\">").Append(c.Calls)
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Tokens(c.PromptTokens)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Tokens(c.CompletionTokens)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Tokens(c.TotalTokens)))
             .Append("</td><td class=\"num\">").Append(c.Failures)
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Milliseconds(c.MeanLatencyMs)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
    }

    private static void RenderStoppedEarly(StringBuilder h, CampaignReportModel model)
    {
        if (model.StoppedEarly.Count == 0)
        {
            return;
        }

        h.AppendLine("<h2>Stopped early</h2>");
        h.AppendLine("<p>The benchmark's early-stopping rule stopped these runs as hopeless; they are neither successes nor failures.</p>");
        var stopped = ReportSampling.Thin(model.StoppedEarly, ReportSampling.MaxStoppedEarlyRows, _ => false);
        if (stopped.Count < model.StoppedEarly.Count)
            h.Append("<p class=\"legend\">Showing ").Append(stopped.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" of ")
             .Append(model.StoppedEarly.Count.ToString("N0", CultureInfo.InvariantCulture)).AppendLine(" runs stopped early (an even sample).</p>");
        h.AppendLine("<table><thead><tr><th class=\"num\">#</th><th>agent</th><th>kind</th><th class=\"num\">last objective</th><th class=\"num\">ran</th><th class=\"num\">CPU s used</th><th class=\"num\">CPU s refunded</th><th>why</th></tr></thead><tbody>");
        foreach (var r in stopped)
        {
            h.Append("<tr><td class=\"num\"><a href=\"#exp-").Append(r.Sequence).Append("\">").Append(r.Sequence).Append("</a>")
             .Append("</td><td>").Append(E(r.AgentId))
             .Append("</td><td>").Append(E(ReportNarrative.KindText(r)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Objective(r.Objective)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Duration(r.Duration)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Seconds(r.CpuSeconds)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Seconds(r.CpuSecondsRefunded)))
             .Append("</td><td class=\"text\">").Append(E(ReportFormat.OneLine(r.Reason is { Length: > 0 } why ? why : "(no reason recorded)", 400)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
    }

    private static void RenderFailures(StringBuilder h, CampaignReportModel model)
    {
        h.AppendLine("<h2>Failures</h2>");
        if (model.FailuresByKind.Count == 0)
        {
            h.AppendLine("<p>No experiment failed.</p>");
            return;
        }

        h.AppendLine("<table><thead><tr><th>cause</th><th class=\"num\">count</th><th>example</th></tr></thead><tbody>");
        foreach (var g in model.FailuresByKind)
        {
            h.Append("<tr><td>").Append(E(ReportFormat.FailureKindName(g.Kind))).Append("</td><td class=\"num\">").Append(g.Count)
             .Append("</td><td><code>").Append(E(g.ExampleExperimentId)).AppendLine("</code></td></tr>");
        }

        h.AppendLine("</tbody></table>");
        foreach (var g in model.FailuresByKind)
        {
            h.Append("<h3>").Append(E(ReportFormat.FailureKindName(g.Kind))).Append(" (").Append(g.Count).AppendLine(")</h3>");
            h.Append("<p>Example: <code>").Append(E(g.ExampleExperimentId)).AppendLine("</code></p>");
            var reason = ReportNarrative.Clip(g.ExampleReason, 1500);
            h.Append("<pre>").Append(E(reason.Length > 0 ? reason : "(no reason recorded)")).AppendLine("</pre>");
        }
    }

    private static void RenderJournal(StringBuilder h, CampaignReportModel model)
    {
        h.AppendLine("<h2>Journal</h2>");
        if (model.Journal.Count == 0)
        {
            h.AppendLine("<p>No reflections were written.</p>");
            return;
        }

        foreach (var author in model.Journal)
        {
            h.Append("<h3>").Append(E(author.Author)).Append(" <span class=\"legend\">(latest ").Append(author.Recent.Count)
             .Append(" of ").Append(author.Total).AppendLine(")</span></h3>");
            foreach (var e in author.Recent)
            {
                h.Append("<div class=\"entry\"><div class=\"when\"><strong>").Append(e.Kind).Append("</strong> · ").Append(E(ReportFormat.Time(e.At)));
                if (e.ExperimentId is not null)
                {
                    h.Append(" · <code>").Append(E(e.ExperimentId)).Append("</code>");
                }

                h.Append("</div>").Append(SafeMarkdown.ToHtml(ReportNarrative.Clip(e.Text, 4000))).AppendLine("</div>");
            }
        }
    }

    private static void RenderExperiments(StringBuilder h, CampaignReportModel model)
    {
        h.AppendLine("<h2>Experiments</h2>");
        if (model.Experiments.Count == 0)
        {
            h.AppendLine("<p>No experiments have been recorded yet.</p>");
            return;
        }

        h.AppendLine("<p class=\"legend\">★ best · ▲ new best when it finished · B baseline. Hover a row's text for the full hypothesis or reason.</p>");
        var rows = ReportSampling.TableRows(model);
        if (ReportSampling.ShownText(rows.Count, model.Experiments.Count, "experiments") is { } shownText)
            h.Append("<p class=\"legend\">").Append(E(shownText)).AppendLine("</p>");
        h.AppendLine("<table><thead><tr><th class=\"num\">#</th><th>agent</th><th>proposer</th><th>kind</th><th>status</th><th>verdict</th><th class=\"num\">objective</th><th class=\"num\">duration</th><th>key parameters</th><th>hypothesis / failure reason</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            var rowClass = r.IsBest ? " class=\"best\"" : r.Status == ExperimentStatus.Failed ? " class=\"failed\"" : "";
            var text = r.Status is ExperimentStatus.Failed or ExperimentStatus.Pruned ? r.Reason ?? "" : r.Hypothesis;
            h.Append("<tr").Append(rowClass).Append(" id=\"exp-").Append(r.Sequence).Append("\"><td class=\"num\">").Append(r.Sequence)
             .Append("</td><td>").Append(E(r.AgentId))
             .Append("</td><td>").Append(E(r.ProposerName))
             .Append("</td><td>").Append(E(ReportNarrative.KindText(r)))
             .Append("</td><td class=\"status\">").Append(E(ReportNarrative.StatusText(r)))
             .Append("</td><td>").Append(E(ReportNarrative.VerdictText(r)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Objective(r.Objective) + ReportNarrative.Marks(r)))
             .Append("</td><td class=\"num\">").Append(E(ReportFormat.Duration(r.Duration)))
             .Append("</td><td class=\"params\">").Append(E(ReportFormat.OneLine(r.KeyParameters, 300)))
             .Append("</td><td class=\"text\" title=\"").Append(E(ReportFormat.OneLine(text, 2000))).Append("\">")
             .Append(E(ReportFormat.OneLine(text, 200)))
             .AppendLine("</td></tr>");
        }

        h.AppendLine("</tbody></table>");
    }

    private static void RenderReproduce(StringBuilder h, CampaignReportModel model)
    {
        h.AppendLine("<h2>Reproduce the best</h2>");
        if (model.Reproduce is not { } rep)
        {
            h.AppendLine("<p>No experiment succeeded, so there is nothing to reproduce.</p>");
            return;
        }

        h.AppendLine("<ul>");
        h.Append("<li>Experiment: <code>").Append(E(rep.ExperimentId)).AppendLine("</code></li>");
        h.Append("<li>Agent: <code>").Append(E(rep.AgentId)).AppendLine("</code></li>");
        h.Append("<li>Objective: ").Append(E(ReportFormat.Objective(rep.Objective))).AppendLine("</li>");
        h.Append("<li>Image: <code>").Append(E(rep.Image)).Append("</code> (id ")
         .Append(rep.ImageId is null ? "not recorded" : "<code>" + E(rep.ImageId) + "</code>").AppendLine(")</li>");
        h.Append("<li>Seed: ").Append(rep.Seed).AppendLine("</li>");
        if (rep.EditedFiles.Count > 0)
        {
            h.Append("<li>Edited files: ").Append(string.Join(", ", rep.EditedFiles.Select(f => "<code>" + E(f) + "</code>"))).AppendLine("</li>");
        }

        h.AppendLine("</ul>");
        h.AppendLine("<p>Parameters (save as <code>params.json</code>):</p>");
        h.Append("<pre>").Append(E(rep.ParametersJson)).AppendLine("</pre>");
        h.Append("<p>Command line, run from a copy of the benchmark folder <code>").Append(E(rep.BenchmarkDirectory)).Append("</code>")
         .Append(rep.Diff is null ? ":" : " with the diff below applied:").AppendLine("</p>");
        h.Append("<pre>").Append(E(rep.CommandLine)).AppendLine("</pre>");
        if (rep.Diff is not null)
        {
            h.AppendLine("<p>Diff:</p>");
            h.Append("<pre>").Append(E(rep.Diff)).AppendLine("</pre>");
        }
    }
}
