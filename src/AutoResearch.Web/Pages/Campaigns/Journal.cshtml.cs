using AutoResearch.Host.Operations;
using AutoResearch.Web.Api;
using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

public sealed class JournalModel(ConsoleCampaigns campaigns) : PageModel
{
    public IReadOnlyList<JournalItem> Entries { get; private set; } = [];
    public string CampaignId { get; private set; } = "";
    public FormProblems Problems { get; private set; } = new();

    [BindProperty] public string? Text { get; set; }
    [BindProperty] public string? Author { get; set; }
    [BindProperty] public string? Experiment { get; set; }

    /// <summary>The journal filter (query <c>kind</c>, repeatable, and <c>by</c>: the author), as the CLI's <c>journal --kind --author</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "kind")] public string[]? Kinds { get; set; }
    [BindProperty(SupportsGet = true, Name = "by")] public string? By { get; set; }
    public JournalFilter Filter { get; private set; } = JournalFilter.All;
    public IReadOnlyList<string> FilterProblems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        var outcome = await campaigns.AddNoteAsync(id, new NoteRequest(Text, Author, Experiment), CampaignsApi.SignedInAs(HttpContext), cancellationToken);
        if (outcome.NotFound) return NotFound();
        if (!outcome.Ok)
        {
            Problems = outcome.Problems!;
            await LoadAsync(id, cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData["Message"] = $"Note #{outcome.Value!.Id} added; the agents read it with the rest of the journal.";
        return Redirect($"/campaigns/{Uri.EscapeDataString(id)}/journal#entry-{outcome.Value.Id}");
    }

    public IReadOnlyList<string> ErrorsFor(string field) => Problems.For(field);

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        CampaignId = id;
        Filter = JournalFilter.Parse(Kinds, By, out var problems);
        FilterProblems = problems;
        if (await campaigns.JournalAsync(id, 0, cancellationToken, Filter) is not { } entries) return false;
        Entries = entries;
        return true;
    }
}
