using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages;

public sealed class IndexModel(ConsoleCampaigns campaigns) : PageModel
{
    public IReadOnlyList<CampaignListItem> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Campaigns = await campaigns.ListAsync(cancellationToken);
}
