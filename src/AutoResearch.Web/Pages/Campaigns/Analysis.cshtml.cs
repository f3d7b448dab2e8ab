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

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await analysis.AnalysisAsync(id, cancellationToken) is not { } view) return NotFound();
        View = view;
        return Page();
    }
}
