using AutoResearch.Web.Campaigns;
using AutoResearch.Web.Pages;
using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AutoResearch.Web.Api;

/// <summary>
/// The morning-after views' JSON, built by the same <see cref="ConsoleAnalysis"/> as their pages: a campaign's analysis,
/// a comparison of experiments, and a night's overview.
/// </summary>
public static class AnalysisApi
{
    public static IEndpointRouteBuilder MapAnalysisApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Analysis").RequireAntiforgeryForCookies();

        api.MapGet("/campaigns/{id}/analysis", async Task<Results<Ok<AnalysisView>, NotFound<ProblemDetails>>> (string id, ConsoleAnalysis analysis, CancellationToken ct) =>
            await analysis.AnalysisAsync(id, ct) is { } view ? TypedResults.Ok(view) : NotFoundCampaign(id))
            .WithSummary("Which parameters mattered (variance explained with intervals, ablations of the best), what to try tonight, and every usable result's parameters");

        api.MapGet("/campaigns/{id}/compare", async Task<Results<Ok<CompareView>, ValidationProblem, NotFound<ProblemDetails>>> (
            string id, [FromQuery(Name = "s")] string[]? s, ConsoleAnalysis analysis, CancellationToken ct) =>
        {
            var (sequences, problem) = ConsoleAnalysis.ParseSequences(s ?? []);
            if (problem is not null)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["s"] = [problem] }, title: "The comparison is not valid");
            var outcome = await analysis.CompareAsync(id, sequences, ct);
            if (outcome.NotFound) return NotFoundCampaign(id);
            if (!outcome.Ok) return TypedResults.ValidationProblem(outcome.Problems!.ToCamelCase(), title: "The comparison is not valid");
            return TypedResults.Ok(outcome.Value!);
        }).WithSummary("2 to 4 experiments (?s=3&s=7) side by side: parameters, code diff, metric curves");

        api.MapGet("/night", async Task<Results<Ok<NightView>, ValidationProblem>> (string? date, ConsoleAnalysis analysis, CancellationToken ct) =>
        {
            var (night, problem) = NightModel.ParseDate(date);
            if (problem is not null)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["date"] = [problem] }, title: "The night is not valid");
            return TypedResults.Ok(await analysis.NightAsync(night, ct));
        }).WithSummary("Every campaign started in a night (noon to noon, server local time; ?date=yyyy-MM-dd, default last night)");
        return app;
    }

    private static NotFound<ProblemDetails> NotFoundCampaign(string id) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound, Title = "No such campaign", Detail = $"No campaign '{id}' in the ledger; GET /api/campaigns lists them.",
        });
}
