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

    /// <summary>A person's note about this experiment in the campaign's journal (<see cref="ConsoleCampaigns.AddNoteAsync"/>, as the journal page's form).</summary>
    public async Task<IActionResult> OnPostNoteAsync(string id, int sequence, string? text, CancellationToken cancellationToken)
    {
        var outcome = await campaigns.AddNoteAsync(id, new NoteRequest(text, null, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            AutoResearch.Web.Api.CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        var problem = outcome.Conflict ?? (outcome.Problems is { } p ? string.Join(" ", p.ByField.SelectMany(kv => kv.Value.Select(v => $"{kv.Key}: {v}."))) : null);
        if (problem is not null) AutoResearch.Web.Pages.Flash.Error(TempData, $"Note not added: {problem}");
        else AutoResearch.Web.Pages.Flash.Done(TempData, $"Note added to the journal about #{sequence}.");
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}/experiments/{sequence}");
    }

    /// <summary>Stops this experiment (<see cref="ConsoleCampaigns.StopExperimentAsync"/>): its sandbox is stopped and it is recorded as stopped by the signed-in person.</summary>
    public async Task<IActionResult> OnPostStopAsync(string id, int sequence, string? reason, CancellationToken cancellationToken)
    {
        var outcome = await campaigns.StopExperimentAsync(id, sequence, reason, AutoResearch.Web.Api.CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        var problem = outcome.Conflict ?? (outcome.Problems is { } p ? string.Join(" ", p.ByField.SelectMany(kv => kv.Value.Select(v => $"{kv.Key}: {v}."))) : null);
        if (problem is not null)
            AutoResearch.Web.Pages.Flash.Error(TempData, $"Not stopped: {problem}");
        else if (outcome.Value!.State == AutoResearch.Host.Operations.ControlReplyState.Refused)
            AutoResearch.Web.Pages.Flash.Error(TempData, $"Stop refused: {outcome.Value.Outcome}");
        else
            AutoResearch.Web.Pages.Flash.Done(TempData, $"Stop {outcome.Value.Status}: {outcome.Value.Outcome}");
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}/experiments/{sequence}");
    }
}
