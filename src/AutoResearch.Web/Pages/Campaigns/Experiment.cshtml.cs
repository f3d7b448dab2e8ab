using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

public sealed class ExperimentModel(ConsoleCampaigns campaigns) : PageModel
{
    public ExperimentDetail Detail { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, int sequence, CancellationToken cancellationToken)
    {
        if (await campaigns.ExperimentAsync(id, sequence, cancellationToken) is not { } detail) return NotFound();
        Detail = detail;
        return Page();
    }
}
