using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

public sealed class NewModel(ConsoleCampaigns campaigns, CampaignCatalog catalog) : PageModel
{
    [BindProperty]
    public CampaignForm Form { get; set; } = new();

    public FormProblems Problems { get; private set; } = new();
    public IReadOnlyList<CatalogBenchmark> Benchmarks { get; private set; } = [];
    public IReadOnlyList<CatalogRole> Roles { get; private set; } = [];
    public IReadOnlyList<string> Endpoints { get; private set; } = [];

    public void OnGet()
    {
        Load();
        Form = new CampaignForm
        {
            Benchmark = Benchmarks.FirstOrDefault(b => b.Problem is null)?.Name,
            Deadline = "tomorrow 07:00",
            MaxExperiments = 100,
            ReportAt = "07:00",
            Agents = [.. new[] { "explorer", "exploiter", "ablator" }.Where(r => Roles.Any(x => x.Name == r)).Select(r => new AgentRow { Role = r })],
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Load();
        // Fields that are not numbers, and a missing goal, are reported together with every other problem of the form.
        var earlier = new FormProblems();
        foreach (var (key, entry) in ModelState)
        {
            foreach (var error in entry.Errors)
                earlier.Add(key.StartsWith("Form.", StringComparison.Ordinal) ? key[5..] : key,
                    entry.AttemptedValue is { Length: > 0 } value ? $"'{value}' is not a number"
                    : string.IsNullOrEmpty(error.ErrorMessage) ? "is not a valid value" : error.ErrorMessage);
        }
        if (string.IsNullOrWhiteSpace(Form.Goal))
            earlier.Add(nameof(CampaignForm.Goal), "say what the campaign is after (e.g. lower the validation error of the digits MLP); the agents read it");
        var started = await campaigns.StartAsync(Form, cancellationToken, earlier);
        if (!started.Ok)
        {
            Problems = QuotaAtBudgetFields(started.Problems!);
            return Invalid();
        }
        TempData["Message"] = $"Campaign {started.Value} started.";
        return Redirect($"/campaigns/{Uri.EscapeDataString(started.Value!)}");
    }

    public IReadOnlyList<string> ErrorsFor(string field) => Problems.For(field);

    /// <summary>
    /// A refusal by the lab's quota (<c>Quota[CpuHours]</c>) shown at the form's budget field of that resource (the form's
    /// GpuHours, CpuHours and Tokens fields are named as the quota's resources); one with no resource with the form's problems.
    /// </summary>
    private static FormProblems QuotaAtBudgetFields(FormProblems problems)
    {
        var shown = new FormProblems();
        foreach (var (field, messages) in problems.ByField)
        {
            var at = field == "Quota" ? ""
                : field.StartsWith("Quota[", StringComparison.Ordinal) && field.EndsWith(']') ? field[6..^1]
                : field;
            foreach (var message in messages) shown.Add(at, message);
        }
        return shown;
    }

    private PageResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private void Load()
    {
        Benchmarks = catalog.Benchmarks();
        Roles = catalog.Roles();
        Endpoints = catalog.ModelEndpoints();
    }
}
