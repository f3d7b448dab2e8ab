using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using ScottPlot;

namespace AutoResearch.Reports;

/// <summary>The report's charts, rendered to PNG with ScottPlot.</summary>
public static class ReportCharts
{
    public const string MetricFileName = "report-metric.png";
    public const string BudgetFileName = "report-budget.png";
    public const string BurnFileName = "report-burn.png";
    public const string TokenBurnFileName = "report-tokens.png";

    /// <summary>
    /// Every chart the report shows: the metric over time, the compute burn per agent over time, the token burn when models were
    /// used, and used-against-budget bars per agent.
    /// </summary>
    public static IReadOnlyList<ReportChart> RenderAll(CampaignReportModel model, int width = 1000, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(model);
        var smaller = Math.Max(240, height * 4 / 5);
        var charts = new List<ReportChart> { new(MetricFileName, $"{model.MetricName} over time", RenderMetricPng(model, width, height)) };
        if (RenderBurnPng(model, tokens: false, width, smaller) is { } burn)
        {
            charts.Add(new ReportChart(BurnFileName, "Budget burn: compute used over time", burn));
        }

        if (RenderBurnPng(model, tokens: true, width, smaller) is { } tokenBurn)
        {
            charts.Add(new ReportChart(TokenBurnFileName, "Budget burn: model tokens used over time", tokenBurn));
        }

        if (RenderBudgetPng(model, width, smaller) is { } budget)
        {
            charts.Add(new ReportChart(BudgetFileName, "Budget use per agent", budget));
        }

        return charts;
    }

    /// <summary>
    /// Cumulative use per agent over elapsed minutes, colored by agent, with each agent's budget as a dashed line of its color:
    /// GPU seconds when any GPU was used or budgeted, else CPU seconds; or model tokens (<paramref name="tokens"/>), only when any
    /// were used. Null when there is nothing to draw.
    /// </summary>
    public static byte[]? RenderBurnPng(CampaignReportModel model, bool tokens, int width = 1000, int height = 420)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Agents.Count == 0) return null;
        if (tokens && model.Agents.All(a => a.Tokens == 0)) return null;
        var gpu = model.Agents.Any(a => a.GpuSeconds > 0 || a.GpuBudgetSeconds > 0);
        var unit = tokens ? "tokens" : gpu ? "GPU seconds" : "CPU seconds";
        if (!tokens && model.Agents.All(a => (gpu ? a.GpuSeconds : a.CpuSeconds) <= 0)) return null;

        using var plot = new Plot();
        plot.Title($"Budget burn: {unit} used over time");
        plot.XLabel("minutes since campaign start");
        plot.YLabel(unit);
        var end = model.Experiments.Where(r => r.ElapsedMinutes is not null).Select(r => r.ElapsedMinutes!.Value)
            .Concat(model.Agents.SelectMany(a => a.Narrative.Burn).Select(p => p.ElapsedMinutes)).DefaultIfEmpty(0).Max();
        var drawn = false;
        for (var i = 0; i < model.Agents.Count; i++)
        {
            var agent = model.Agents[i];
            var all = agent.Narrative.Burn;
            if (all.Count == 0) continue;
            // A long night has one burn point per experiment: an even sample (always the last) draws the same staircase.
            var burn = ReportSampling.Thin(all, ReportSampling.MaxChartPoints, p => p.Equals(all[^1]));
            double Value(BurnPoint p) => tokens ? p.Tokens : gpu ? p.GpuSeconds : p.CpuSeconds;
            var xs = burn.Select(p => p.ElapsedMinutes).Append(Math.Max(end, burn[^1].ElapsedMinutes)).ToArray();
            var ys = burn.Select(Value).Append(Value(burn[^1])).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, AgentColor(i));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.LegendText = agent.Id;
            drawn = true;

            var budget = tokens ? agent.TokenBudget : gpu ? agent.GpuBudgetSeconds : agent.CpuBudgetSeconds;
            if (budget > 0)
            {
                var h = plot.Add.HorizontalLine(budget, 1.5f, AgentColor(i), LinePattern.Dashed);
                h.LegendText = $"{agent.Id} budget";
            }
        }

        if (!drawn) return null;
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static readonly Color FailedColor = Color.FromHex("#d62728");
    private static readonly Color BestColor = Color.FromHex("#222222");
    private static readonly Color BaselineColor = Color.FromHex("#7f7f7f");
    private static readonly Color UsedColor = Color.FromHex("#1f77b4");
    private static readonly Color BudgetColor = Color.FromHex("#c7c7c7");
    private static readonly Color GpuUsedColor = Color.FromHex("#2ca02c");
    private static readonly Color GpuBudgetColor = Color.FromHex("#98df8a");

    /// <summary>Colors agents get, in <see cref="CampaignReportModel.Agents"/> order (red is kept for failures).</summary>
    public static readonly IReadOnlyList<Color> AgentPalette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"),
        Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#17becf"), Color.FromHex("#bcbd22"),
    ];

    /// <summary>
    /// Objective over elapsed minutes: succeeded experiments as points colored by agent, the best-so-far step line,
    /// the baseline as a dashed line, and failed experiments as red crosses on the worse edge.
    /// </summary>
    public static byte[] RenderMetricPng(CampaignReportModel model, int width = 1000, int height = 520)
    {
        using var plot = new Plot();
        plot.Title($"{model.MetricName} ({model.DirectionWord}) — {model.Name}");
        plot.XLabel("minutes since campaign start");
        plot.YLabel(model.MetricName);

        var points = model.Experiments
            .Where(r => r.Status == ExperimentStatus.Succeeded && r.Objective is { } v && double.IsFinite(v) && r.ElapsedMinutes is not null)
            .ToList();
        var failed = model.Experiments.Where(r => r.Status == ExperimentStatus.Failed).ToList();

        // A few blown-up runs (a diverged loss of 1e6 among values near 0.1) would flatten everything else into one line:
        // the y axis keeps a robust window and those runs are drawn on its edge as triangles, labelled with their values.
        var anchors = model.BestSoFar.Select(p => p.Value).ToList();
        if (model.BaselineObjective is { } baselineValue) anchors.Add(baselineValue);
        var window = MetricWindow.For(points.Select(r => r.Objective!.Value).ToList(), anchors, model.Direction);
        var clipped = window.Clipped.Select(i => points[i]).ToHashSet(ReferenceEqualityComparer.Instance);

        for (var i = 0; i < model.Agents.Count; i++)
        {
            var agent = model.Agents[i];
            // Large campaigns: every new best plus an even sample of the rest, so the chart stays legible and quick.
            var mine = ReportSampling.Thin(points.Where(r => r.AgentId == agent.Id && !clipped.Contains(r)).ToList(), ReportSampling.MaxChartPoints,
                r => r.IsNewBest || r.IsBest || r.IsBaseline);
            if (mine.Count == 0)
            {
                continue;
            }

            var scatter = plot.Add.ScatterPoints(
                mine.Select(r => r.ElapsedMinutes!.Value).ToArray(),
                mine.Select(r => r.Objective!.Value).ToArray(),
                AgentColor(i));
            scatter.MarkerShape = MarkerShape.FilledCircle;
            scatter.MarkerSize = 9;
            scatter.LegendText = $"{agent.Id} ({points.Count(r => r.AgentId == agent.Id)})";
        }

        if (clipped.Count > 0)
        {
            var edge = window.ClipEdge;
            var legendGiven = false;
            for (var i = 0; i < model.Agents.Count; i++)
            {
                var mine = clipped.Cast<ExperimentReportRow>().Where(r => r.AgentId == model.Agents[i].Id).ToList();
                if (mine.Count == 0) continue;
                var marks = plot.Add.Markers(mine.Select(r => r.ElapsedMinutes!.Value).ToArray(), mine.Select(_ => edge).ToArray(),
                    model.Direction == Direction.Minimize ? MarkerShape.FilledTriangleUp : MarkerShape.FilledTriangleDown, 11, AgentColor(i));
                marks.LegendText = legendGiven ? "" : $"off the chart ({clipped.Count}), value shown";
                legendGiven = true;
            }
            foreach (var r in clipped.Cast<ExperimentReportRow>().Take(50))
            {
                var label = plot.Add.Text($"#{r.Sequence}: {ReportFormat.Objective(r.Objective!.Value)}", r.ElapsedMinutes!.Value, edge);
                label.LabelFontSize = 10;
                label.LabelAlignment = model.Direction == Direction.Minimize ? Alignment.LowerLeft : Alignment.UpperLeft;
                label.OffsetX = 6;
            }
        }

        var lastX = model.Experiments.Where(r => r.ElapsedMinutes is not null).Select(r => r.ElapsedMinutes!.Value).DefaultIfEmpty(0).Max();
        if (model.BestSoFar.Count > 0)
        {
            var xs = model.BestSoFar.Select(p => p.ElapsedMinutes).Append(Math.Max(lastX, model.BestSoFar[^1].ElapsedMinutes)).ToArray();
            var ys = model.BestSoFar.Select(p => p.Value).Append(model.BestSoFar[^1].Value).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, BestColor);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.LegendText = "best so far";
        }

        if (model.BaselineObjective is { } baseline)
        {
            var h = plot.Add.HorizontalLine(baseline, 1.5f, BaselineColor, LinePattern.Dashed);
            h.LegendText = $"baseline {ReportFormat.Objective(baseline)}";
        }

        var laneY = (double?)null;
        if (failed.Count > 0)
        {
            var ys = points.Where(r => !clipped.Contains(r)).Select(r => r.Objective!.Value).ToList();
            if (model.BaselineObjective is { } b)
            {
                ys.Add(b);
            }

            var y = FailureLane(ys, model.Direction);
            laneY = y;
            var failedShown = ReportSampling.Thin(failed, ReportSampling.MaxChartPoints, _ => false);
            var markers = plot.Add.Markers(
                failedShown.Select(r => r.ElapsedMinutes ?? lastX).ToArray(),
                failedShown.Select(_ => y).ToArray(),
                MarkerShape.Eks,
                9,
                FailedColor);
            markers.MarkerLineWidth = 2;
            markers.LegendText = $"failed ({failed.Count}, not to scale)";
        }

        if (clipped.Count > 0)
        {
            var low = Math.Min(window.Low, laneY ?? window.Low);
            var high = Math.Max(window.High, laneY ?? window.High);
            var pad = (high - low) * 0.06;
            plot.Axes.SetLimitsY(low - pad, high + pad);
            plot.YLabel($"{model.MetricName} ({clipped.Count} blown-up run{(clipped.Count == 1 ? "" : "s")} off the chart, marked ▲ at the edge)");
        }

        if (points.Count == 0)
        {
            plot.Add.Annotation(model.Experiments.Count == 0 ? "no experiments yet" : "no successful experiments yet", Alignment.MiddleCenter);
        }

        if (model.Experiments.Count > 0)
        {
            plot.ShowLegend(Edge.Right);
        }

        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    /// <summary>Per-agent CPU seconds used against budget (and GPU seconds when any are in play); null without agents.</summary>
    public static byte[]? RenderBudgetPng(CampaignReportModel model, int width = 1000, int height = 420)
    {
        if (model.Agents.Count == 0)
        {
            return null;
        }

        var withGpu = model.Agents.Any(a => a.GpuSeconds > 0 || a.GpuBudgetSeconds > 0);
        var perAgent = withGpu ? 4 : 2;
        var stride = perAgent + 1;

        using var plot = new Plot();
        plot.Title("Budget use per agent");
        plot.YLabel("seconds");

        var cpuUsed = new List<Bar>();
        var cpuBudget = new List<Bar>();
        var gpuUsed = new List<Bar>();
        var gpuBudget = new List<Bar>();
        var tickPositions = new double[model.Agents.Count];
        var tickLabels = new string[model.Agents.Count];
        for (var i = 0; i < model.Agents.Count; i++)
        {
            var a = model.Agents[i];
            var x = i * stride;
            cpuUsed.Add(new Bar { Position = x, Value = a.CpuSeconds, FillColor = UsedColor, Size = 0.9 });
            if (a.CpuBudgetSeconds > 0)
            {
                cpuBudget.Add(new Bar { Position = x + 1, Value = a.CpuBudgetSeconds, FillColor = BudgetColor, Size = 0.9 });
            }

            if (withGpu)
            {
                gpuUsed.Add(new Bar { Position = x + 2, Value = a.GpuSeconds, FillColor = GpuUsedColor, Size = 0.9 });
                if (a.GpuBudgetSeconds > 0)
                {
                    gpuBudget.Add(new Bar { Position = x + 3, Value = a.GpuBudgetSeconds, FillColor = GpuBudgetColor, Size = 0.9 });
                }
            }

            tickPositions[i] = x + (perAgent - 1) / 2.0;
            tickLabels[i] = a.Id;
        }

        AddBars(plot, cpuUsed, "CPU s used", UsedColor);
        AddBars(plot, cpuBudget, "CPU s budget", BudgetColor);
        AddBars(plot, gpuUsed, "GPU s used", GpuUsedColor);
        AddBars(plot, gpuBudget, "GPU s budget", GpuBudgetColor);

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(tickPositions, tickLabels);
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    public static Color AgentColor(int index) => AgentPalette[((index % AgentPalette.Count) + AgentPalette.Count) % AgentPalette.Count];

    /// <summary>A y value just past the worse end of <paramref name="values"/> (top when minimizing, bottom when maximizing).</summary>
    internal static double FailureLane(IReadOnlyList<double> values, Direction direction)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var min = values.Min();
        var max = values.Max();
        var span = max - min;
        if (span <= 0)
        {
            span = Math.Max(Math.Abs(max) * 0.1, 1e-6);
        }

        return direction == Direction.Minimize ? max + span * 0.08 : min - span * 0.08;
    }

    private static void AddBars(Plot plot, List<Bar> bars, string legend, Color color)
    {
        if (bars.Count == 0)
        {
            return;
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.LegendText = legend;
        barPlot.Color = color;
    }
}
