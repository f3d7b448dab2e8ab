using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

public sealed class ReportsModel(ConsoleCampaigns campaigns) : PageModel
{
    public string CampaignId { get; private set; } = "";
    public IReadOnlyList<ReportItem> Reports { get; private set; } = [];
    public ReportItem? Shown { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? name, CancellationToken cancellationToken)
    {
        CampaignId = id;
        if (await campaigns.ReportsAsync(id, cancellationToken) is not { } reports) return NotFound();
        Reports = reports;
        Shown = name is null ? reports.FirstOrDefault() : reports.FirstOrDefault(r => r.Name == name);
        return name is not null && Shown is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        var written = await campaigns.WriteReportAsync(id, cancellationToken);
        if (written.NotFound) return NotFound();
        TempData["Message"] = "Report written.";
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}/reports/{Uri.EscapeDataString(written.Value!.Name)}");
    }
}
