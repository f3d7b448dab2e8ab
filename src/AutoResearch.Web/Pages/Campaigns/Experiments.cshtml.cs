using AutoResearch.Abstractions.Experiments;
using AutoResearch.Web.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Campaigns;

/// <summary>
/// The experiments table, paged on the server: sort by number, metric, agent or status; filter by agent, status, verdict and
/// kind; CSV and JSON exports of the same selection. Only the page's rows are read from the ledger.
/// </summary>
public sealed class ExperimentsModel(ConsoleCampaigns campaigns) : PageModel
{
    public string CampaignId { get; private set; } = "";
    public ExperimentQuery Query { get; private set; } = new();
    public ExperimentPageView? Result { get; private set; }
    public FormProblems Problems { get; private set; } = new();
    public IReadOnlyList<string> Agents { get; private set; } = [];
    public string Metric { get; private set; } = "objective";

    public async Task<IActionResult> OnGetAsync(string id, int? offset, int? limit, string? sort, bool? desc, string? agent, string? status,
        string? verdict, string? kind, CancellationToken cancellationToken)
    {
        CampaignId = id;
        if (await campaigns.CampaignAsync(id, cancellationToken) is not { } campaign) return NotFound();
        Agents = campaign.Spec.Agents.Select(a => a.Id).ToList();
        Metric = campaign.Spec.Benchmark.Metric.Name;
        var (query, problems) = ExperimentQueryText.Parse(offset, limit, sort, desc, agent, status, verdict, kind);
        if (query is null)
        {
            Problems = problems;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Query = query;
        Result = await campaigns.ExperimentsAsync(id, query, cancellationToken);
        return Page();
    }

    /// <summary>This page for <paramref name="q"/>.</summary>
    public string Link(ExperimentQuery q) => $"/campaigns/{Uri.EscapeDataString(CampaignId)}/experiments{ExperimentQueryText.ToQueryString(q)}";

    /// <summary>A column header's link: sort by it (first page), or flip the direction when it is the sort already.</summary>
    public string SortLink(ExperimentSort sort) => Link(Query with { Sort = sort, Descending = Query.Sort == sort && !Query.Descending, Offset = 0 });

    public string SortMark(ExperimentSort sort) => Query.Sort != sort ? "" : Query.Descending ? " ▼" : " ▲";

    public string ExportLink(string format) =>
        $"/api/campaigns/{Uri.EscapeDataString(CampaignId)}/experiments/export.{format}{ExperimentQueryText.ToQueryString(Query, window: false)}";

    public string JsonPageLink() => $"/api/campaigns/{Uri.EscapeDataString(CampaignId)}/experiments{ExperimentQueryText.ToQueryString(Query)}";

    public IReadOnlyList<string> ErrorsFor(string field) => Problems.For(field);
}
