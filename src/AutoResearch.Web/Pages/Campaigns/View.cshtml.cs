using System.Text.Json;
using AutoResearch.Web.Api;
using AutoResearch.Web.Campaigns;
using AutoResearch.Web.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Pages.Campaigns;

public sealed class ViewModel(ConsoleCampaigns campaigns, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : PageModel
{
    public CampaignDetail Detail { get; private set; } = null!;

    /// <summary>The first state for the script, as the events will carry it.</summary>
    public string InitialJson { get; private set; } = "{}";

    [BindProperty]
    public ControlInput Control { get; set; } = new();

    [BindProperty]
    public LimitsInput Limits { get; set; } = new();

    [BindProperty]
    public TryInput Try { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await campaigns.GetAsync(id, cancellationToken) is not { } detail) return NotFound();
        Detail = detail;
        InitialJson = JsonSerializer.Serialize(detail, json.Value.SerializerOptions);
        return Page();
    }

    public async Task<IActionResult> OnPostControlAsync(string id, CancellationToken cancellationToken)
    {
        // The form is in hours: what is wrong with it is said in hours too (the shared rules speak in seconds, as campaign files do).
        if (string.Equals(Control.Action, "budget", StringComparison.OrdinalIgnoreCase)
            && (!ModelState.IsValid || (Control.Tokens is null && Control.CpuHours is null && Control.GpuHours is null)))
        {
            if (ModelState.Values.Any(v => v.Errors.Count > 0))
                Flash.Error(TempData, "Budget not changed: " + string.Join("; ", ModelState.Where(kv => kv.Value?.Errors.Count > 0).Select(kv => $"'{kv.Value!.AttemptedValue}' is not a number ({kv.Key.Replace("Control.", "", StringComparison.Ordinal)})")) + ".");
            else
                Flash.Error(TempData, "Budget not changed: give at least one of GPU-hours, CPU-hours or tokens.");
            return Redirect($"/campaigns/{Uri.EscapeDataString(id)}");
        }
        var body = new ControlBody(Control.Action, Control.Agent, Control.Reason, Control.Tokens,
            Control.CpuHours is { } c ? c * 3600 : null, Control.GpuHours is { } g ? g * 3600 : null, Control.Mode == "add");
        var outcome = await campaigns.ControlAsync(id, body, CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        var refusal = outcome.Conflict
            ?? (outcome.Problems is { } p ? string.Join(" ", p.ByField.SelectMany(kv => kv.Value.Select(v => $"{kv.Key}: {v}."))) : null);
        if (refusal is not null)
            Flash.Error(TempData, refusal);
        else if (outcome.Value!.State == AutoResearch.Host.Operations.ControlReplyState.Refused)
            Flash.Error(TempData, $"{Capitalized(outcome.Value.Action)} refused: {outcome.Value.Outcome}");
        else if (outcome.Value.Action == "budget" && outcome.Value.State == AutoResearch.Host.Operations.ControlReplyState.Applied
                 && await campaigns.GetAsync(id, cancellationToken) is { } after)
            Flash.Done(TempData, $"Budget applied: {BudgetInHours(after, outcome.Value.Agent)}.");
        else
            Flash.Done(TempData, $"{Capitalized(outcome.Value.Action)} {outcome.Value.Status}: {outcome.Value.Outcome}");
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}");
    }

    /// <summary>Approves or rejects an experiment awaiting approval (<see cref="ConsoleCampaigns.DecideApprovalAsync"/>), from its row on the live view.</summary>
    public async Task<IActionResult> OnPostDecideAsync(string id, int sequence, string? decision, string? reason, CancellationToken cancellationToken)
    {
        if (decision is not ("approve" or "reject"))
        {
            Flash.Error(TempData, $"Nothing decided: the decision must be approve or reject, not '{decision}'.");
            return Redirect($"/campaigns/{Uri.EscapeDataString(id)}");
        }
        var approve = decision == "approve";
        var outcome = await campaigns.DecideApprovalAsync(id, sequence, approve, reason, CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        return Steered(id, approve ? $"Approval of #{sequence}" : $"Rejection of #{sequence}", outcome, []);
    }

    /// <summary>New deadline, most experiments and/or slots (<see cref="ConsoleCampaigns.SetLimitsAsync"/>); every problem is shown at once.</summary>
    public async Task<IActionResult> OnPostLimitsAsync(string id, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        int? Whole(string? text, string field)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)) return value;
            problems.Add($"{field}: '{text.Trim()}' is not a whole number.");
            return null;
        }
        var max = Whole(Limits.MaxExperiments, "most experiments");
        var slots = Whole(Limits.Slots, "slots");
        var outcome = await campaigns.SetLimitsAsync(id, new LimitsBody(Limits.Deadline, max, slots, Limits.Reason, Limits.TimeZone), CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        return Steered(id, "Limits", outcome, problems);
    }

    /// <summary>A person's configuration as an agent's next proposal (<see cref="ConsoleCampaigns.TryConfigurationAsync"/>).</summary>
    public async Task<IActionResult> OnPostTryAsync(string id, CancellationToken cancellationToken)
    {
        var values = ConfigurationBody.ParsePairs([Try.Parameters ?? ""], out var bad);
        var outcome = await campaigns.TryConfigurationAsync(id, Try.Agent, values, Try.Reason, CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        return Steered(id, "Configuration", outcome, bad.Select(b => $"parameters: {b}.").ToList());
    }

    /// <summary>Shows a steering outcome (every problem at once, red for refusals) and goes back to the live view.</summary>
    private RedirectResult Steered(string id, string what, OperationOutcome<ControlResult> outcome, List<string> problems)
    {
        if (outcome.Problems is { } p) problems.AddRange(p.ByField.SelectMany(kv => kv.Value.Select(v => $"{kv.Key}: {v}.")));
        if (outcome.Conflict is { } why) problems.Add(why);
        if (problems.Count > 0)
            Flash.Error(TempData, $"{what} not applied: {string.Join(" ", problems)}");
        else if (outcome.Value!.State == AutoResearch.Host.Operations.ControlReplyState.Refused)
            Flash.Error(TempData, $"{what} refused: {outcome.Value.Outcome}");
        else
            Flash.Done(TempData, $"{what} {outcome.Value.Status}: {outcome.Value.Outcome}");
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}");
    }

    public async Task<IActionResult> OnPostResumeHereAsync(string id, CancellationToken cancellationToken)
    {
        var outcome = await campaigns.ResumeHereAsync(id, cancellationToken);
        if (outcome.NotFound) return NotFound();
        if (outcome.Conflict is { } why) Flash.Error(TempData, why);
        else Flash.Done(TempData, $"Campaign {id} now runs on this server.");
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}");
    }

    /// <summary>The limits in force after a budget change, in the form's units (hours, tokens).</summary>
    public static string BudgetInHours(CampaignDetail detail, string? agent)
    {
        static string Hours(double seconds) => seconds > 0 ? $"{Fmt.Hours(seconds)} h" : "no limit";
        static string Tokens(long tokens) => tokens > 0 ? tokens.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "no limit";
        if (agent is not null && detail.Agents.FirstOrDefault(a => a.Id == agent) is { } a)
            return $"agent {a.Id} now has GPU {Hours(a.GpuBudgetSeconds)}, CPU {Hours(a.CpuBudgetSeconds)}, tokens {Tokens(a.TokenBudget)}";
        var b = detail.Budget;
        return $"the campaign now has GPU {Hours(b.GpuSeconds)}, CPU {Hours(b.CpuSeconds)}, tokens {Tokens(b.Tokens)}";
    }

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
