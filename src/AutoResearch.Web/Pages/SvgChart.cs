using System.Globalization;
using System.Net;
using System.Text;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Web.Pages;

/// <summary>Small inline SVG line charts drawn on the server (no script needed; attributes only, so the strict CSP holds).</summary>
public static class SvgChart
{
    private static readonly string[] Palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"];

    /// <summary>
    /// One chart per metric name (each on its own y axis with round ticks: metrics of different scales never share one), over
    /// steps (or report order when there are no steps), in a <c>#metric-curve</c> container.
    /// </summary>
    public static string MetricCurve(IReadOnlyList<MetricPoint> points)
    {
        var indexed = points.Select((p, i) => (Point: p, X: (double)(p.Step ?? i))).ToList();
        var series = indexed.GroupBy(p => p.Point.Name, StringComparer.Ordinal).ToList();
        var html = new StringBuilder("<div id=\"metric-curve\" class=\"metric-curves\">");
        for (var i = 0; i < series.Count; i++)
            html.Append(Chart(series[i].Key, series[i].Select(p => (p.X, p.Point.Value)).ToList(), Palette[i % Palette.Length]));
        html.Append("</div>");
        return html.ToString();
    }

    private static string Chart(string name, List<(double X, double Value)> points, string colour)
    {
        const double w = 640, h = 200, left = 62, right = 14, top = 24, bottom = 30;
        var ordered = points.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.X).ToList();
        var xs = points.Select(p => p.X).DefaultIfEmpty(0).ToList();
        var xAxis = Axis(xs.Min(), xs.Max(), pad: false, integer: true);
        var yAxis = Axis(ordered.Select(p => p.Value).DefaultIfEmpty(0).Min(), ordered.Select(p => p.Value).DefaultIfEmpty(0).Max(), pad: true);
        string X(double x) => F(left + (x - xAxis.Min) / (xAxis.Max - xAxis.Min) * (w - left - right));
        string Y(double y) => F(top + (1 - (y - yAxis.Min) / (yAxis.Max - yAxis.Min)) * (h - top - bottom));

        var svg = new StringBuilder();
        var label = WebUtility.HtmlEncode(name);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart metric-chart\" data-metric=\"{label}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label} over steps\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"14\" fill=\"{colour}\" class=\"legend\">{label}</text>");
        foreach (var t in yAxis.Ticks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{Y(t)}\" x2=\"{w - right}\" y2=\"{Y(t)}\" stroke=\"#f1f5f9\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(t)}\" text-anchor=\"end\" dominant-baseline=\"middle\" class=\"axis y-tick\">{Label(t)}</text>");
        }
        foreach (var t in xAxis.Ticks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(t)}\" y=\"{h - 10}\" text-anchor=\"middle\" class=\"axis x-tick\">{Label(t)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{w - right}\" y=\"{h - 10}\" text-anchor=\"end\" class=\"axis\" dy=\"-12\">step</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{h - bottom}\" x2=\"{w - right}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', ordered.Select(p => $"{X(p.X)},{Y(p.Value)}"))}\"/>");
        foreach (var p in ordered)
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.X)}\" cy=\"{Y(p.Value)}\" r=\"2.5\" fill=\"{colour}\"><title>{label} {Label(p.Value)} at step {Label(p.X)}</title></circle>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// Round ticks (1, 2, 2.5 or 5 × 10^n apart, about five) covering [lo, hi]; never below zero when no value is.
    /// <paramref name="integer"/>: whole numbers only (steps), so ticks are at least 1 apart.
    /// </summary>
    public static (double Min, double Max, IReadOnlyList<double> Ticks) Axis(double lo, double hi, bool pad = true, bool integer = false)
    {
        var nonNegative = lo >= 0;
        if (hi - lo < 1e-12)
        {
            var half = Math.Abs(hi) > 1e-12 ? Math.Abs(hi) * 0.05 : 1;
            lo -= half;
            hi += half;
        }
        if (pad)
        {
            var margin = (hi - lo) * 0.06;
            lo -= margin;
            hi += margin;
        }
        if (nonNegative && lo < 0) lo = 0;
        var raw = (hi - lo) / 4;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        if (integer) step = Math.Max(1, Math.Round(step) == step ? step : Math.Ceiling(step));
        var min = Math.Floor(lo / step + 1e-9) * step;
        var max = Math.Ceiling(hi / step - 1e-9) * step;
        if (nonNegative && min < 0) min = 0;
        var ticks = new List<double>();
        for (var v = min; v <= max + step * 1e-6; v += step) ticks.Add(double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        return (min, max, ticks);
    }

    private static string Label(double v) => v.ToString("G5", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}
