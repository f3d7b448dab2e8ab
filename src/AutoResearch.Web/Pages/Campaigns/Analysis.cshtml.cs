using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

/// <summary>
/// Which parameters mattered (variance explained with intervals, ablations of the best), what to try tonight, parallel
/// coordinates and slice plots: <see cref="ConsoleAnalysis.AnalysisAsync"/>, the same as <c>/api/campaigns/{id}/analysis</c>.
/// </summary>
public sealed class AnalysisModel(ConsoleAnalysis analysis) : PageModel
{
    public AnalysisView View { get; private set; } = null!;

    /// <summary>The metric on a log axis (<c>?scale=log</c>); only when every result is positive.</summary>
    public bool LogMetric { get; private set; }

    /// <summary>Whether the metric can be drawn on a log axis (every result positive).</summary>
    public bool CanLog { get; private set; }

    /// <summary>The two parameters the pair plot shows (the two most important); null with fewer than two.</summary>
    public (string X, string Y)? Pair { get; private set; }

    /// <summary>The contour plot's pair (<c>?contour=X/Y</c>, one of the analysis' surfaces; default the two most important numeric parameters); null when there is none.</summary>
    public AutoResearch.Evaluation.ContourSurface? Contour { get; private set; }

    /// <summary>A contour pair's value in the selector.</summary>
    public static string PairKey(AutoResearch.Evaluation.ContourSurface surface) => surface.X + "/" + surface.Y;

    public async Task<IActionResult> OnGetAsync(string id, string? scale, string? contour, CancellationToken cancellationToken)
    {
        if (await analysis.AnalysisAsync(id, cancellationToken) is not { } view) return NotFound();
        View = view;
        CanLog = view.Points.Count > 0 && view.Points.All(p => p.Objective > 0);
        LogMetric = CanLog && string.Equals(scale, "log", StringComparison.OrdinalIgnoreCase);
        var ranked = view.Importance.Parameters.Select(p => p.Name).ToList();
        if (ranked.Count >= 2) Pair = (ranked[0], ranked[1]);
        Contour = view.Contours.FirstOrDefault(c => PairKey(c) == contour) ?? view.Contours.FirstOrDefault();
        return Page();
    }
}
