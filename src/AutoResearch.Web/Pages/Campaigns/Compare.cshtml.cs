using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

/// <summary>
/// 2 to 4 experiments side by side (<c>?s=3&amp;s=7</c>, as the experiments table's checkboxes send them): parameters with
/// differences highlighted, the code diff, metric curves. <see cref="ConsoleAnalysis.CompareAsync"/>, as the API's.
/// </summary>
public sealed class CompareModel(ConsoleAnalysis analysis) : PageModel
{
    public string CampaignId { get; private set; } = "";
    public CompareView? View { get; private set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, [FromQuery(Name = "s")] string[]? s, CancellationToken cancellationToken)
    {
        CampaignId = id;
        var (sequences, problem) = ConsoleAnalysis.ParseSequences(s ?? []);
        if (problem is not null)
        {
            Problems = [problem];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var outcome = await analysis.CompareAsync(id, sequences, cancellationToken);
        if (outcome.NotFound) return NotFound();
        if (!outcome.Ok)
        {
            Problems = outcome.Problems!.For("s");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        View = outcome.Value;
        return Page();
    }
}
