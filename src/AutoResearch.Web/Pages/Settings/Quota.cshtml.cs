using System.Globalization;
using AutoResearch.Host.Operations;
using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Settings;

/// <summary>The lab's quota: everyone reads the limits, use and what is left; an admin sets them (every problem shown at once).</summary>
public sealed class QuotaModel(ConsoleCampaigns campaigns) : PageModel
{
    public LabQuotaView Quota { get; private set; } = null!;

    public FormProblems Problems { get; private set; } = new();

    [BindProperty] public string? GpuHours { get; set; }
    [BindProperty] public string? CpuHours { get; set; }
    [BindProperty] public string? Tokens { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Quota = await campaigns.QuotaAsync(cancellationToken);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var problems = new FormProblems();
        double? Number(string? text, string field, string label)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
            problems.Add(field, $"{label}: '{text.Trim()}' is not a number");
            return null;
        }
        var body = new QuotaBody(Number(GpuHours, "Quota[GpuHours]", "GPU-hours"), Number(CpuHours, "Quota[CpuHours]", "CPU-hours"), Number(Tokens, "Quota[Tokens]", "Tokens"));
        // A value that is not a number hides none of the others' problems.
        foreach (var problem in CampaignOperations.QuotaValueProblems(new QuotaOrder(body.GpuHours, body.CpuHours, body.Tokens, "")))
            problems.Add($"{problem.Field}[{problem.Key}]", problem.Message);
        if (!problems.Any)
        {
            var set = await campaigns.SetQuotaAsync(body, AutoResearch.Web.Api.CampaignsApi.SignedInAs(HttpContext), cancellationToken);
            if (set.Ok)
            {
                AutoResearch.Web.Security.AuditRecorder.Describe(HttpContext, $"quota GPU-hours {set.Value!.GpuHours:0.##}, CPU-hours {set.Value.CpuHours:0.##}, tokens {set.Value.Tokens}");
                TempData[Flash.MessageKey] = string.Create(CultureInfo.InvariantCulture,
                    $"Quota set: {Limit(set.Value.GpuHours)} GPU-hours, {Limit(set.Value.CpuHours)} CPU-hours, {Limit(set.Value.Tokens)} tokens.");
                return Redirect("/settings/quota");
            }
            foreach (var (field, messages) in set.Problems!.ByField)
                foreach (var message in messages) problems.Add(field, message);
        }
        Problems = problems;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await OnGetAsync(cancellationToken);
        return Page();
    }

    /// <summary>A limit as the page writes it: "no limit" for 0.</summary>
    public static string Limit(double value) => value > 0 ? value.ToString("0.##", CultureInfo.InvariantCulture) : "no limit";
}
