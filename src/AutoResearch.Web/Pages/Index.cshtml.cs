using System.Text.Json;
using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Pages;

public sealed class IndexModel(ConsoleCampaigns campaigns, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : PageModel
{
    public IReadOnlyList<CampaignListItem> Campaigns { get; private set; } = [];

    /// <summary>The list as <c>GET /api/campaigns</c> answers it; the script renders it and refreshes it every few seconds.</summary>
    public string InitialJson { get; private set; } = "[]";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Campaigns = await campaigns.ListAsync(cancellationToken);
        InitialJson = JsonSerializer.Serialize(Campaigns, json.Value.SerializerOptions);
    }
}
