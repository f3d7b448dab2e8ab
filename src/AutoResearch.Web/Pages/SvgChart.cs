using System.Globalization;
using System.Net;
using System.Text;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Web.Pages;

/// <summary>Small inline SVG line charts drawn on the server (no script needed; attributes only, so the strict CSP holds).</summary>
public static class SvgChart
{
    private static readonly string[] Palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"];

    /// <summary>One line per metric name, over steps (or report order when there are no steps).</summary>
    public static string MetricCurve(IReadOnlyList<MetricPoint> points)
    {
        const double w = 640, h = 240, left = 56, right = 12, top = 12, bottom = 28;
        var series = points.GroupBy(p => p.Name).ToList();
        var xs = points.Select((p, i) => (double)(p.Step ?? i)).ToList();
        double xMin = xs.Min(), xMax = Math.Max(xs.Max(), xMin + 1);
        var finite = points.Select(p => p.Value).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double yMin = finite.Min(), yMax = finite.Max();
        if (yMax - yMin < 1e-12) { yMin -= 1; yMax += 1; }
        string X(double x) => (left + (x - xMin) / (xMax - xMin) * (w - left - right)).ToString("F1", CultureInfo.InvariantCulture);
        string Y(double y) => (top + (1 - (y - yMin) / (yMax - yMin)) * (h - top - bottom)).ToString("F1", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"metric-curve\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Metric curve\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{h - bottom}\" x2=\"{w - right}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{h - bottom}\" stroke=\"#cbd5e1\"/>");
        foreach (var (value, anchor) in new[] { (yMax, "start"), (yMin, "end") })
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(value)}\" text-anchor=\"end\" dominant-baseline=\"{(anchor == "start" ? "hanging" : "auto")}\" class=\"axis\">{value:G4}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{w - right}\" y=\"{h - 8}\" text-anchor=\"end\" class=\"axis\">step {xMax:G6}</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var colour = Palette[i % Palette.Length];
            var ordered = series[i].Select(p => (X: (double)(p.Step ?? points.ToList().IndexOf(p)), p.Value)).Where(p => double.IsFinite(p.Value)).OrderBy(p => p.X).ToList();
            var path = string.Join(' ', ordered.Select(p => $"{X(p.X)},{Y(p.Value)}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{path}\"/>");
            foreach (var p in ordered)
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.X)}\" cy=\"{Y(p.Value)}\" r=\"2.5\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 8 + i * 120}\" y=\"{top + 10}\" fill=\"{colour}\" class=\"legend\">{WebUtility.HtmlEncode(series[i].Key)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
