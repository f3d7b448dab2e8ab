using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using System.Net;
using System.Text;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Evaluation;
using AutoResearch.Web.Campaigns;

namespace AutoResearch.Web.Pages;

/// <summary>
/// The analysis pages' inline SVG, drawn on the server (attributes only, so the strict CSP holds): parameter importance with
/// its intervals, parallel coordinates, slice plots and metric curves of compared runs.
/// </summary>
public static class AnalysisCharts
{
    private static readonly string[] Palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569", "#b45309"];

    /// <summary>One bar per parameter (variance explained) with its interval as a whisker; the ones that mattered are darker.</summary>
    public static string Importance(ImportanceReport report)
    {
        const double w = 640, left = 130, right = 60, row = 26, top = 22;
        var rows = report.Parameters;
        var h = top + rows.Count * row + 28;
        string X(double v) => F(left + Math.Clamp(v, 0, 1) * (w - left - right));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"importance-chart\" class=\"chart\" viewBox=\"0 0 {w} {F(h)}\" role=\"img\" aria-label=\"Share of the results' variance each parameter explains\">");
        foreach (var t in new[] { 0, 0.25, 0.5, 0.75, 1 })
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(t)}\" y1=\"{top - 6}\" x2=\"{X(t)}\" y2=\"{F(h - 24)}\" stroke=\"#f1f5f9\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(t)}\" y=\"{F(h - 8)}\" text-anchor=\"middle\" class=\"axis x-tick\">{t * 100:0}%</text>");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = top + i * row;
            var name = E(r.Name);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"importance-row\" data-parameter=\"{name}\" data-mattered=\"{(r.Mattered ? "true" : "false")}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{F(y + row / 2)}\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"axis\">{name}{(r.Log ? " (log)" : "")}</text>");
            if (r.Importance is { } v)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(0)}\" y=\"{F(y + 5)}\" width=\"{F(Math.Max(1, double.Parse(X(v), CultureInfo.InvariantCulture) - left))}\" height=\"{F(row - 10)}\" fill=\"{(r.Mattered ? "#2563eb" : "#93c5fd")}\"><title>{name}: {v * 100:0.0}% of the variance{Interval(r)}</title></rect>");
                if (r.Low is { } lo && r.High is { } hi)
                {
                    var mid = F(y + row / 2);
                    svg.Append(CultureInfo.InvariantCulture, $"<line class=\"interval\" x1=\"{X(lo)}\" y1=\"{mid}\" x2=\"{X(hi)}\" y2=\"{mid}\" stroke=\"#0f172a\" stroke-width=\"1.5\"/>");
                    svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(lo)}\" y1=\"{F(y + 8)}\" x2=\"{X(lo)}\" y2=\"{F(y + row - 8)}\" stroke=\"#0f172a\"/>");
                    svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(hi)}\" y1=\"{F(y + 8)}\" x2=\"{X(hi)}\" y2=\"{F(y + row - 8)}\" stroke=\"#0f172a\"/>");
                }
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(w - right + 6)}\" y=\"{F(y + row / 2)}\" dominant-baseline=\"middle\" class=\"axis\">{v * 100:0}%</text>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(0)}\" y=\"{F(y + row / 2)}\" dominant-baseline=\"middle\" class=\"axis muted\">too few results</text>");
            }
            svg.Append("</g>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Interval(ParameterImportanceRow r) =>
        r.Low is { } lo && r.High is { } hi ? string.Create(CultureInfo.InvariantCulture, $" (interval {lo * 100:0.0}–{hi * 100:0.0}%)") : "";

    /// <summary>
    /// Parallel coordinates: one axis per parameter (log axes for log-scale parameters, choices evenly spaced) and one for the
    /// metric; one polyline per usable result, coloured by its rank (best dark blue, worst light orange); the best drawn last, thicker.
    /// </summary>
    public static string ParallelCoordinates(AnalysisView view, bool logMetric = false)
    {
        var axes = view.Parameters.Select(p => ParamScale.For(p, view.Points)).ToList();
        var metric = ParamScale.Linear(view.Metric, view.Points.Select(p => p.Objective).ToList(), log: logMetric);
        var all = axes.Append(metric).ToList();
        const double h = 340, top = 34, bottom = 44, left = 60, right = 60;
        var w = Math.Max(1040, 200 * all.Count);
        double AxisX(int i) => all.Count == 1 ? left : left + i * (w - left - right) / (all.Count - 1);
        double Y(double t) => top + (1 - t) * (h - top - bottom);
        var ranks = Ranks(view);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"parallel-chart\" class=\"chart wide\" viewBox=\"0 0 {F(w)} {F(h)}\" role=\"img\" aria-label=\"Parallel coordinates: each line is one result\">");
        var ordered = view.Points.OrderByDescending(p => p.Sequence == view.BestSequence ? -1 : ranks[p.Sequence]).ToList();
        foreach (var p in ordered)
        {
            var isBest = p.Sequence == view.BestSequence;
            var coords = new List<string>();
            for (var i = 0; i < axes.Count; i++)
            {
                if (axes[i].Position(p.Parameters.TryGetValue(axes[i].Name, out var v) ? v : view.Parameters[i].Default) is { } t)
                    coords.Add($"{F(AxisX(i))},{F(Y(t))}");
            }
            if (metric.Position(p.Objective) is { } mt) coords.Add($"{F(AxisX(all.Count - 1))},{F(Y(mt))}");
            svg.Append(CultureInfo.InvariantCulture,
                $"<polyline class=\"run{(isBest ? " best" : "")}\" data-sequence=\"{p.Sequence}\" fill=\"none\" stroke=\"{(isBest ? "#0f172a" : Colour(ranks[p.Sequence]))}\" stroke-width=\"{(isBest ? 3 : 1.3)}\" stroke-opacity=\"{(isBest ? 1 : 0.75)}\" points=\"{string.Join(' ', coords)}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<title>#{p.Sequence} ({E(p.Agent)}): {E(view.Metric)} {Label(p.Objective)}; {E(string.Join(", ", p.Parameters.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}={x.Value}")))}</title></polyline>");
        }
        for (var i = 0; i < all.Count; i++)
        {
            var axis = all[i];
            var x = F(AxisX(i));
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"axis-group\" data-axis=\"{E(axis.Name)}\" data-scale=\"{axis.Kind}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{F(top)}\" x2=\"{x}\" y2=\"{F(h - bottom)}\" stroke=\"#475569\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"16\" text-anchor=\"middle\" class=\"axis-name\">{E(axis.Name)}{(axis.Kind == "log" ? " (log)" : "")}</text>");
            foreach (var (t, label) in axis.Ticks)
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(AxisX(i) + 5)}\" y=\"{F(Y(t))}\" dominant-baseline=\"middle\" class=\"axis tick\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{E(label)}</text>");
            svg.Append("</g>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left)}\" y=\"{F(h - 12)}\" class=\"axis\">colour: rank by {E(view.Metric)} ({E(view.Direction)}), dark blue best; the black line is the best</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>One small plot per parameter: the metric against its value (log x for log-scale parameters), the best ringed.</summary>
    public static string Slices(AnalysisView view, bool logMetric = false)
    {
        var html = new StringBuilder("<div id=\"slices\" class=\"slices\">");
        var metric = ParamScale.Linear(view.Metric, view.Points.Select(p => p.Objective).ToList(), log: logMetric);
        var ranks = Ranks(view);
        for (var i = 0; i < view.Parameters.Count; i++)
        {
            var parameter = view.Parameters[i];
            var axis = ParamScale.For(parameter, view.Points);
            const double w = 320, h = 220, left = 56, right = 12, top = 22, bottom = 36;
            double X(double t) => left + t * (w - left - right);
            double Y(double t) => top + (1 - t) * (h - top - bottom);
            var name = E(parameter.Name);
            html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart slice\" data-parameter=\"{name}\" data-scale=\"{axis.Kind}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{E(view.Metric)} against {name}\"{Zoom(left, top, w - right, h - bottom, axis, metric)}>");
            html.Append(Clip($"clip-slice-{i}", left, top, w - right, h - bottom));
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"14\" class=\"axis-name\">{name}{(axis.Kind == "log" ? " (log)" : "")}</text>");
            foreach (var (t, label) in metric.Ticks)
            {
                html.Append(CultureInfo.InvariantCulture, $"<line class=\"grid-y\" x1=\"{left}\" y1=\"{F(Y(t))}\" x2=\"{w - right}\" y2=\"{F(Y(t))}\" stroke=\"#f1f5f9\"/>");
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 5}\" y=\"{F(Y(t))}\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"axis y-tick\">{E(label)}</text>");
            }
            foreach (var (t, label) in axis.Ticks)
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(t))}\" y=\"{h - 18}\" text-anchor=\"middle\" class=\"axis x-tick\">{E(label)}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{h - bottom}\" x2=\"{w - right}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{w - right}\" y=\"{h - 4}\" text-anchor=\"end\" class=\"axis\">{E(view.Metric)} ↕</text>");
            html.Append(CultureInfo.InvariantCulture, $"<g class=\"marks\" clip-path=\"url(#clip-slice-{i})\">");
            PointOf? best = null;
            foreach (var p in view.Points)
            {
                var value = p.Parameters.TryGetValue(parameter.Name, out var v) ? v : parameter.Default;
                if (axis.Position(value, jitter: p.Sequence) is not { } px || metric.Position(p.Objective) is not { } py) continue;
                if (p.Sequence == view.BestSequence)
                {
                    best = new PointOf(X(px), Y(py), p, value.Text);
                    continue;
                }
                html.Append(CultureInfo.InvariantCulture, $"<circle data-sequence=\"{p.Sequence}\" cx=\"{F(X(px))}\" cy=\"{F(Y(py))}\" r=\"3\" fill=\"{Colour(ranks[p.Sequence])}\" fill-opacity=\"0.8\"><title>#{p.Sequence}: {name}={E(value.Text)}, {E(view.Metric)} {Label(p.Objective)}</title></circle>");
            }
            if (best is { } b)
                html.Append(CultureInfo.InvariantCulture, $"<circle class=\"best\" data-sequence=\"{b.Point.Sequence}\" cx=\"{F(b.X)}\" cy=\"{F(b.Y)}\" r=\"6\" fill=\"none\" stroke=\"#0f172a\" stroke-width=\"2.5\"><title>best #{b.Point.Sequence}: {name}={E(b.Value)}, {E(view.Metric)} {Label(b.Point.Objective)}</title></circle>");
            html.Append("</g></svg>");
        }
        html.Append("</div>");
        return html.ToString();
    }

    /// <summary>
    /// The two most important parameters together: each result at its pair of values (log axes for log-scale parameters,
    /// choices spaced), coloured by its rank, the best ringed; where they interact shows as a pattern no slice has.
    /// </summary>
    public static string Pair(AnalysisView view, string xName, string yName)
    {
        var px = view.Parameters.First(p => p.Name == xName);
        var py = view.Parameters.First(p => p.Name == yName);
        var xAxis = ParamScale.For(px, view.Points);
        var yAxis = ParamScale.For(py, view.Points);
        var ranks = Ranks(view);
        const double w = 520, h = 400, left = 70, right = 16, top = 20, bottom = 44;
        double X(double t) => left + t * (w - left - right);
        double Y(double t) => top + (1 - t) * (h - top - bottom);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"pair-chart\" class=\"chart pair\" data-x=\"{E(xName)}\" data-y=\"{E(yName)}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{E(yName)} against {E(xName)}, coloured by {E(view.Metric)}\"{Zoom(left, top, w - right, h - bottom, xAxis, yAxis)}>");
        svg.Append(Clip("clip-pair", left, top, w - right, h - bottom));
        foreach (var (t, label) in yAxis.Ticks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid-y\" x1=\"{left}\" y1=\"{F(Y(t))}\" x2=\"{w - right}\" y2=\"{F(Y(t))}\" stroke=\"#f1f5f9\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(Y(t))}\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"axis y-tick\">{E(label)}</text>");
        }
        foreach (var (t, label) in xAxis.Ticks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid-x\" x1=\"{F(X(t))}\" y1=\"{top}\" x2=\"{F(X(t))}\" y2=\"{h - bottom}\" stroke=\"#f1f5f9\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(t))}\" y=\"{h - bottom + 16}\" text-anchor=\"middle\" class=\"axis x-tick\">{E(label)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((left + w - right) / 2)}\" y=\"{h - 6}\" text-anchor=\"middle\" class=\"axis-name\">{E(xName)}{(xAxis.Kind == "log" ? " (log)" : "")}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{F((top + h - bottom) / 2)}\" text-anchor=\"middle\" class=\"axis-name\" transform=\"rotate(-90 14 {F((top + h - bottom) / 2)})\">{E(yName)}{(yAxis.Kind == "log" ? " (log)" : "")}</text>");
        svg.Append("<g class=\"marks\" clip-path=\"url(#clip-pair)\">");
        PointOf? best = null;
        foreach (var p in view.Points.OrderByDescending(p => ranks[p.Sequence]))
        {
            var xv = p.Parameters.TryGetValue(xName, out var a) ? a : px.Default;
            var yv = p.Parameters.TryGetValue(yName, out var b) ? b : py.Default;
            if (xAxis.Position(xv, jitter: p.Sequence) is not { } tx || yAxis.Position(yv, jitter: p.Sequence * 7 + 3) is not { } ty) continue;
            if (p.Sequence == view.BestSequence)
            {
                best = new PointOf(X(tx), Y(ty), p, $"{xName}={xv}, {yName}={yv}");
                continue;
            }
            svg.Append(CultureInfo.InvariantCulture, $"<circle data-sequence=\"{p.Sequence}\" cx=\"{F(X(tx))}\" cy=\"{F(Y(ty))}\" r=\"5\" fill=\"{Colour(ranks[p.Sequence])}\" fill-opacity=\"0.85\"><title>#{p.Sequence}: {E(xName)}={E(xv.Text)}, {E(yName)}={E(yv.Text)}, {E(view.Metric)} {Label(p.Objective)}</title></circle>");
        }
        if (best is { } bp)
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"best\" data-sequence=\"{bp.Point.Sequence}\" cx=\"{F(bp.X)}\" cy=\"{F(bp.Y)}\" r=\"8\" fill=\"none\" stroke=\"#0f172a\" stroke-width=\"2.5\"><title>best #{bp.Point.Sequence}: {E(bp.Value)}, {E(view.Metric)} {Label(bp.Point.Objective)}</title></circle>");
        svg.Append("</g></svg>");
        return svg.ToString();
    }

    /// <summary>
    /// A contour plot: the smoothed objective over a pair of numeric parameters (<see cref="ContourSurface"/>) as filled cells,
    /// darker where better (by the metric's direction), blank where no result is near; the results as points, the best ringed;
    /// a colour legend on the right.
    /// </summary>
    public static string Contour(AnalysisView view, ContourSurface surface)
    {
        const double w = 600, h = 420, left = 70, right = 96, top = 20, bottom = 44;
        double X(double t) => left + t * (w - left - right);
        double Y(double t) => top + (1 - t) * (h - top - bottom);
        var minimize = view.Direction == "minimize";
        var xAxis = ContourAxis(surface.X, surface.XLog, surface.XMin, surface.XMax);
        var yAxis = ContourAxis(surface.Y, surface.YLog, surface.YMin, surface.YMax);
        var span = surface.High - surface.Low;
        // Darkness in [0, 1]: 1 the best smoothed value, 0 the worst.
        double Darkness(double v) => span < 1e-300 ? 1 : minimize ? (surface.High - v) / span : (v - surface.Low) / span;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"contour-chart\" class=\"chart contour\" data-x=\"{E(surface.X)}\" data-y=\"{E(surface.Y)}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Smoothed {E(view.Metric)} over {E(surface.X)} and {E(surface.Y)}\"{Zoom(left, top, w - right, h - bottom, xAxis, yAxis)}>");
        svg.Append(Clip("clip-contour", left, top, w - right, h - bottom));
        svg.Append("<g class=\"marks\" clip-path=\"url(#clip-contour)\">");
        var n = surface.Size;
        var cw = (w - left - right) / n;
        var ch = (h - top - bottom) / n;
        for (var row = 0; row < n; row++)
            for (var col = 0; col < n; col++)
            {
                if (surface.Values[row * n + col] is not { } v) continue;
                var best = row == surface.BestRow && col == surface.BestColumn;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"cell{(best ? " best-cell" : "")}\" data-column=\"{col}\" data-row=\"{row}\" x=\"{F(X((double)col / n))}\" y=\"{F(Y((double)(row + 1) / n))}\" width=\"{F(cw + 0.4)}\" height=\"{F(ch + 0.4)}\" fill=\"{Shade(Darkness(v))}\"><title>{E(surface.X)}≈{Label(surface.XAt(col))}, {E(surface.Y)}≈{Label(surface.YAt(row))}: smoothed {E(view.Metric)} {Label(v)}</title></rect>");
            }
        PointOf? bestPoint = null;
        foreach (var p in view.Points)
        {
            if (Scaled(p, surface.X, surface.XLog, view) is not { } u || Scaled(p, surface.Y, surface.YLog, view) is not { } sv) continue;
            var px = X((u - surface.XMin) / (surface.XMax - surface.XMin));
            var py = Y((sv - surface.YMin) / (surface.YMax - surface.YMin));
            if (p.Sequence == view.BestSequence)
            {
                bestPoint = new PointOf(px, py, p, "");
                continue;
            }
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"result\" data-sequence=\"{p.Sequence}\" cx=\"{F(px)}\" cy=\"{F(py)}\" r=\"2.5\" fill=\"#ffffff\" stroke=\"#0f172a\" stroke-width=\"0.8\"><title>#{p.Sequence}: {E(view.Metric)} {Label(p.Objective)}</title></circle>");
        }
        if (bestPoint is { } bp)
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"best\" data-sequence=\"{bp.Point.Sequence}\" cx=\"{F(bp.X)}\" cy=\"{F(bp.Y)}\" r=\"7\" fill=\"none\" stroke=\"#dc2626\" stroke-width=\"2.5\"><title>best #{bp.Point.Sequence}: {E(view.Metric)} {Label(bp.Point.Objective)}</title></circle>");
        svg.Append("</g>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{F(w - left - right)}\" height=\"{F(h - top - bottom)}\" fill=\"none\" stroke=\"#cbd5e1\"/>");
        foreach (var (t, label) in yAxis.Ticks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(Y(t))}\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"axis y-tick\">{E(label)}</text>");
        foreach (var (t, label) in xAxis.Ticks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(t))}\" y=\"{h - bottom + 16}\" text-anchor=\"middle\" class=\"axis x-tick\">{E(label)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F((left + w - right) / 2)}\" y=\"{h - 6}\" text-anchor=\"middle\" class=\"axis-name\">{E(surface.X)}{(surface.XLog ? " (log)" : "")}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{F((top + h - bottom) / 2)}\" text-anchor=\"middle\" class=\"axis-name\" transform=\"rotate(-90 14 {F((top + h - bottom) / 2)})\">{E(surface.Y)}{(surface.YLog ? " (log)" : "")}</text>");
        // The legend: the smoothed values from the best (darkest, at the top) to the worst.
        var lx = w - right + 18;
        const int steps = 10;
        var lh = (h - top - bottom) / steps;
        svg.Append("<g class=\"legend\">");
        for (var i = 0; i < steps; i++)
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(lx)}\" y=\"{F(top + i * lh)}\" width=\"16\" height=\"{F(lh + 0.4)}\" fill=\"{Shade(1 - (i + 0.5) / steps)}\"/>");
        var bestValue = minimize ? surface.Low : surface.High;
        var worstValue = minimize ? surface.High : surface.Low;
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis legend-best\" x=\"{F(lx + 20)}\" y=\"{F(top + 6)}\" dominant-baseline=\"middle\">{Label(bestValue)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis legend-worst\" x=\"{F(lx + 20)}\" y=\"{F(h - bottom - 6)}\" dominant-baseline=\"middle\">{Label(worstValue)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(lx)}\" y=\"{F(h - bottom + 16)}\">{E(view.Metric)}</text>");
        svg.Append("</g></svg>");
        return svg.ToString();
    }

    /// <summary>A result's value of a contour's parameter in its scaled space (log10 on a log scale); the default where unset.</summary>
    private static double? Scaled(AnalysisPoint p, string name, bool log, AnalysisView view)
    {
        var value = p.Parameters.Get(name) ?? view.Parameters.FirstOrDefault(a => a.Name == name)?.Default;
        if (value is not { IsNumber: true }) return null;
        var x = value.AsNumber;
        return !log ? x : x > 0 ? Math.Log10(x) : null;
    }

    /// <summary>A contour axis over a scaled range [lo, hi] (log10 where <paramref name="log"/>).</summary>
    private static ParamScale ContourAxis(string name, bool log, double lo, double hi) =>
        ParamScale.Linear(name, log ? [Math.Pow(10, lo), Math.Pow(10, hi)] : [lo, hi], log, exact: true);

    /// <summary>Light (0) to dark blue (1).</summary>
    private static string Shade(double darkness)
    {
        (double R, double G, double B) light = (239, 246, 255), dark = (23, 37, 84);
        var f = Math.Clamp(darkness, 0, 1);
        int C(double a, double b) => (int)Math.Round(a + (b - a) * f);
        return $"#{C(light.R, dark.R):x2}{C(light.G, dark.G):x2}{C(light.B, dark.B):x2}";
    }

    /// <summary>
    /// The attributes the page's zoom reads: the plot area (<c>data-zoom</c>: left top right bottom in the view box) and each
    /// axis' kind and range (<c>linear lo hi</c>, <c>log lo hi</c> in log10, or <c>choice</c>).
    /// </summary>
    private static string Zoom(double left, double top, double right, double bottom, ParamScale x, ParamScale y) =>
        string.Create(CultureInfo.InvariantCulture, $" data-zoom=\"{left} {top} {right} {bottom}\" data-zoom-x=\"{x.ZoomAxis}\" data-zoom-y=\"{y.ZoomAxis}\"");

    /// <summary>A clip path over the plot area, so zoomed marks stay inside it.</summary>
    private static string Clip(string id, double left, double top, double right, double bottom) =>
        string.Create(CultureInfo.InvariantCulture, $"<defs><clipPath id=\"{id}\"><rect x=\"{left}\" y=\"{top}\" width=\"{right - left}\" height=\"{bottom - top}\"/></clipPath></defs>");

    private readonly record struct PointOf(double X, double Y, AnalysisPoint Point, string Value);

    /// <summary>
    /// Compared runs' metric curves: one chart per metric name (each on its own y axis), one line per run in its colour, over
    /// steps (report order without steps).
    /// </summary>
    public static string CompareCurves(CompareView view) =>
        Curves("compare-curves", view.Runs.Select(r => new CurveRun(r.Sequence, r.Agent, r.Objective, r.Metrics)).ToList());

    /// <summary>
    /// Runs' intermediate values: one chart per metric name (each on its own y axis), one line per run in its colour (legend by
    /// number), over steps (report order without steps); in a container with id <paramref name="id"/>.
    /// </summary>
    public static string Curves(string id, IReadOnlyList<CurveRun> runs)
    {
        var names = runs.SelectMany(r => r.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal).ToList();
        var html = new StringBuilder($"<div id=\"{E(id)}\" class=\"metric-curves\">");
        foreach (var name in names)
        {
            const double w = 640, h = 220, left = 62, right = 14, top = 24, bottom = 30;
            var series = runs.Select((r, i) => (Run: r, Colour: Palette[i % Palette.Length],
                Points: r.Metrics.Select((m, j) => (m, j)).Where(x => x.m.Name == name && double.IsFinite(x.m.Value))
                    .Select(x => (X: (double)(x.m.Step ?? x.j), Y: x.m.Value)).OrderBy(p => p.X).ToList())).ToList();
            var xs = series.SelectMany(s => s.Points.Select(p => p.X)).DefaultIfEmpty(0).ToList();
            var ys = series.SelectMany(s => s.Points.Select(p => p.Y)).DefaultIfEmpty(0).ToList();
            var xAxis = SvgChart.Axis(xs.Min(), xs.Max(), pad: false, integer: true);
            var yAxis = SvgChart.Axis(ys.Min(), ys.Max(), pad: true);
            string X(double x) => F(left + (x - xAxis.Min) / (xAxis.Max - xAxis.Min) * (w - left - right));
            string Y(double y) => F(top + (1 - (y - yAxis.Min) / (yAxis.Max - yAxis.Min)) * (h - top - bottom));
            var label = E(name);
            html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart metric-chart\" data-metric=\"{label}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label} by step, one line per run\">");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"14\" class=\"axis-name\">{label}</text>");
            var lx = left + 120.0;
            foreach (var s in series)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(lx)}\" y=\"14\" fill=\"{s.Colour}\" class=\"legend\">#{s.Run.Sequence}</text>");
                lx += 40;
            }
            foreach (var t in yAxis.Ticks)
            {
                html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{Y(t)}\" x2=\"{w - right}\" y2=\"{Y(t)}\" stroke=\"#f1f5f9\"/>");
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(t)}\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"axis y-tick\">{Label(t)}</text>");
            }
            foreach (var t in xAxis.Ticks)
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(t)}\" y=\"{h - 10}\" text-anchor=\"middle\" class=\"axis x-tick\">{Label(t)}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{h - bottom}\" x2=\"{w - right}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
            foreach (var s in series.Where(s => s.Points.Count > 0))
            {
                html.Append(CultureInfo.InvariantCulture, $"<polyline class=\"curve\" data-sequence=\"{s.Run.Sequence}\" fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\" points=\"{string.Join(' ', s.Points.Select(p => $"{X(p.X)},{Y(p.Y)}"))}\"/>");
                foreach (var p in s.Points)
                    html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.X)}\" cy=\"{Y(p.Y)}\" r=\"2.5\" fill=\"{s.Colour}\"><title>#{s.Run.Sequence} {label} {Label(p.Y)} at step {Label(p.X)}</title></circle>");
            }
            html.Append("</svg>");
        }
        html.Append("</div>");
        return html.ToString();
    }

    /// <summary>The compared run's colour (its position in the comparison), as the curves draw it.</summary>
    public static string RunColour(int index) => Palette[index % Palette.Length];

    /// <summary>Each result's rank position in [0, 1] by the metric: 0 the best, 1 the worst.</summary>
    private static Dictionary<int, double> Ranks(AnalysisView view)
    {
        var minimize = view.Direction == "minimize";
        var ordered = view.Points.OrderBy(p => minimize ? p.Objective : -p.Objective).ThenBy(p => p.Sequence).ToList();
        var ranks = new Dictionary<int, double>();
        for (var i = 0; i < ordered.Count; i++) ranks[ordered[i].Sequence] = ordered.Count == 1 ? 0 : (double)i / (ordered.Count - 1);
        return ranks;
    }

    /// <summary>Dark blue (best) through teal and yellow to orange (worst).</summary>
    private static string Colour(double t)
    {
        (double R, double G, double B)[] stops = [(30, 64, 175), (13, 148, 136), (234, 179, 8), (234, 88, 12)];
        var x = Math.Clamp(t, 0, 1) * (stops.Length - 1);
        var i = Math.Min(stops.Length - 2, (int)Math.Floor(x));
        var f = x - i;
        int C(double a, double b) => (int)Math.Round(a + (b - a) * f);
        return $"#{C(stops[i].R, stops[i + 1].R):x2}{C(stops[i].G, stops[i + 1].G):x2}{C(stops[i].B, stops[i + 1].B):x2}";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Label(double v) => v.ToString("G5", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}

/// <summary>
/// A parameter's (or the metric's) axis: positions in [0, 1] for values, and labelled ticks. Log axes place log10 of the value;
/// choices are spaced evenly in their declared order.
/// </summary>
public sealed class ParamScale
{
    private readonly Func<ParameterValue, int, double?> _position;

    private ParamScale(string name, string kind, IReadOnlyList<(double T, string Label)> ticks, Func<ParameterValue, int, double?> position, double low = 0, double high = 1)
    {
        Name = name;
        Kind = kind;
        Ticks = ticks;
        _position = position;
        ZoomAxis = kind == "choice" ? "choice" : string.Create(CultureInfo.InvariantCulture, $"{kind} {low:R} {high:R}");
    }

    /// <summary>The axis as the page's zoom reads it: <c>linear lo hi</c>, <c>log lo hi</c> (log10 of the ends) or <c>choice</c>.</summary>
    public string ZoomAxis { get; }

    public string Name { get; }

    /// <summary><c>linear</c>, <c>log</c> or <c>choice</c>.</summary>
    public string Kind { get; }

    public IReadOnlyList<(double T, string Label)> Ticks { get; }

    /// <summary>The value's place on the axis (0 bottom/left, 1 top/right); null when it cannot be placed.</summary>
    public double? Position(ParameterValue value, int jitter = -1) => _position(value, jitter);

    public double? Position(double value) => double.IsFinite(value) ? _position(ParameterValue.Real(value), -1) : null;

    public static ParamScale For(ParameterAxis parameter, IReadOnlyList<AnalysisPoint> points)
    {
        if (parameter.Type == "choice")
        {
            var choices = parameter.Choices.Count > 0 ? parameter.Choices.ToList()
                : points.Select(p => (p.Parameters.Get(parameter.Name) ?? parameter.Default).Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            double Place(int i) => choices.Count == 1 ? 0.5 : 0.08 + 0.84 * i / (choices.Count - 1);
            return new ParamScale(parameter.Name, "choice", choices.Select((c, i) => (Place(i), c)).ToList(), (v, jitter) =>
            {
                var i = choices.IndexOf(v.Text);
                if (i < 0) return null;
                // Results at one choice are spread a little sideways (by their number), so they do not hide each other.
                var spread = jitter >= 0 ? ((jitter * 0.6180339887) % 1 - 0.5) * Math.Min(0.12, 0.6 / Math.Max(1, choices.Count)) : 0;
                return Place(i) + spread;
            });
        }
        var values = points.Select(p => Number(p.Parameters.Get(parameter.Name) ?? parameter.Default)).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (parameter.Min is { } min) values.Add(min);
        if (parameter.Max is { } max) values.Add(max);
        return Linear(parameter.Name, values, parameter.Log);
    }

    /// <summary>A numeric axis over <paramref name="values"/>: log10 when <paramref name="log"/> (and every value is positive).</summary>
    public static ParamScale Linear(string name, IReadOnlyList<double> values, bool log, bool exact = false)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (log && finite.Count > 0 && finite.All(v => v > 0))
        {
            var lo = Math.Log10(finite.Min());
            var hi = Math.Log10(finite.Max());
            if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
            var ticks = new List<(double, string)>();
            for (var e = Math.Ceiling(lo - 1e-9); e <= hi + 1e-9; e++)
                ticks.Add(((e - lo) / (hi - lo), Math.Pow(10, e).ToString("G3", CultureInfo.InvariantCulture)));
            if (ticks.Count < 2)
            {
                ticks.Clear();
                ticks.Add((0, Math.Pow(10, lo).ToString("G3", CultureInfo.InvariantCulture)));
                ticks.Add((1, Math.Pow(10, hi).ToString("G3", CultureInfo.InvariantCulture)));
            }
            return new ParamScale(name, "log", ticks, (v, _) => Number(v) is { } x && x > 0 ? (Math.Log10(x) - lo) / (hi - lo) : null, lo, hi);
        }
        var axis = SvgChart.Axis(finite.DefaultIfEmpty(0).Min(), finite.DefaultIfEmpty(1).Max(), pad: false);
        // Exact: the axis spans the values' range itself (a contour's grid), its ticks the nice ones inside it.
        var (min, max) = exact && finite.Count > 0 && finite.Max() > finite.Min() ? (finite.Min(), finite.Max()) : (axis.Min, axis.Max);
        var span = max - min;
        return new ParamScale(name, "linear",
            axis.Ticks.Where(t => t >= min - 1e-9 * span && t <= max + 1e-9 * span).Select(t => ((t - min) / span, t.ToString("G4", CultureInfo.InvariantCulture))).ToList(),
            (v, _) => Number(v) is { } x ? (x - min) / span : null, min, max);
    }

    private static double? Number(ParameterValue value) => value.IsNumber ? value.AsNumber : null;
}
