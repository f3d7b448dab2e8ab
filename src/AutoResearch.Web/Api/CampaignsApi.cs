using AutoResearch.Host.Operations;
using AutoResearch.Web.Campaigns;
using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AutoResearch.Web.Api;

/// <summary>
/// <c>/api/campaigns</c>: the JSON API behind every console page, with the CLI's operations (run, status, journal, note,
/// pause/resume/stop/budget, report) plus the live event stream.
/// </summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Campaigns").RequireAntiforgeryForCookies();

        api.MapGet("/catalog", (CampaignCatalog catalog) => TypedResults.Ok(new CatalogView(catalog.Benchmarks(), catalog.Roles(), catalog.ModelEndpoints())))
            .WithSummary("Benchmarks, agent roles and model endpoint names a new campaign can use");

        var campaigns = api.MapGroup("/campaigns");
        campaigns.MapGet("/", async (ConsoleCampaigns console, CancellationToken ct) => TypedResults.Ok(await console.ListAsync(ct)))
            .WithSummary("Campaigns, newest first, with state and best so far");

        campaigns.MapPost("/", async Task<Results<Created<CampaignDetail>, ValidationProblem>> (CampaignForm form, ConsoleCampaigns console, CancellationToken ct) =>
        {
            var started = await console.StartAsync(form, ct);
            if (!started.Ok) return TypedResults.ValidationProblem(started.Problems!.ToCamelCase(), title: "The campaign is not valid");
            return TypedResults.Created($"/api/campaigns/{started.Value}", await console.GetAsync(started.Value!, ct));
        }).WithSummary("Validate a campaign, write its campaign file and start it");

        campaigns.MapGet("/{id}", async Task<Results<Ok<CampaignDetail>, NotFound<ProblemDetails>>> (string id, ConsoleCampaigns console, CancellationToken ct) =>
            await console.GetAsync(id, ct) is { } detail ? TypedResults.Ok(detail) : NotFoundCampaign(id))
            .WithSummary("A campaign's live state: agents and budgets, running experiments, best-so-far series");

        campaigns.MapGet("/{id}/events", async Task<Results<ServerSentEventsResult<CampaignDetail>, NotFound<ProblemDetails>>> (string id, AutoResearch.Abstractions.Ports.ILedger ledger, CampaignWatchers watchers, CancellationToken ct) =>
            await ledger.GetCampaignAsync(id, ct) is null
                ? NotFoundCampaign(id)
                : TypedResults.ServerSentEvents(watchers.WatchAsync(id, ct)))
            .WithSummary("Server-sent events: a 'status' event with the campaign's state whenever it changes (one watcher per campaign, shared by every viewer)");

        campaigns.MapPost("/{id}/resume-here", async Task<Results<Ok<CampaignDetail>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, ConsoleCampaigns console, CancellationToken ct) =>
        {
            var outcome = await console.ResumeHereAsync(id, ct);
            if (outcome.NotFound) return NotFoundCampaign(id);
            if (outcome.Conflict is { } why) return TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Cannot resume", why));
            return TypedResults.Ok((await console.GetAsync(id, ct))!);
        }).WithSummary("Run an unfinished campaign (left by a stopped console or CLI) on this server");

        campaigns.MapGet("/{id}/experiments", async Task<Results<Ok<ExperimentPageView>, ValidationProblem, NotFound<ProblemDetails>>> (
            string id, int? offset, int? limit, string? sort, bool? desc, string? agent, string? status, string? verdict, string? kind,
            ConsoleCampaigns console, CancellationToken ct) =>
        {
            var (query, problems) = ExperimentQueryText.Parse(offset, limit, sort, desc, agent, status, verdict, kind);
            if (query is null) return TypedResults.ValidationProblem(problems.ToCamelCase(), title: "The experiments query is not valid");
            return await console.ExperimentsAsync(id, query, ct) is { } page ? TypedResults.Ok(page) : NotFoundCampaign(id);
        }).WithSummary($"A page of a campaign's experiments: offset, limit (1..{AutoResearch.Abstractions.Experiments.ExperimentQuery.MaxLimit}, default {AutoResearch.Abstractions.Experiments.ExperimentQuery.DefaultLimit}), sort (sequence|objective|agent|status), desc, and filters agent, status, verdict, kind; total is the count matching the filters");

        campaigns.MapGet("/{id}/experiments/export.{format:regex(^(csv|json)$)}", async Task<Results<EmptyHttpResult, ValidationProblem, NotFound<ProblemDetails>>> (
            string id, string format, string? sort, bool? desc, string? agent, string? status, string? verdict, string? kind,
            HttpContext http, ConsoleCampaigns console, AutoResearch.Abstractions.Ports.ILedger ledger, CancellationToken ct) =>
        {
            var (query, problems) = ExperimentQueryText.Parse(null, null, sort, desc, agent, status, verdict, kind);
            if (query is null) return TypedResults.ValidationProblem(problems.ToCamelCase(), title: "The experiments query is not valid");
            if (await ledger.GetCampaignAsync(id, ct) is null) return NotFoundCampaign(id);
            http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ExperimentExport.FileName(id, format)}\"";
            if (format == "csv") await ExperimentExport.WriteCsvAsync(http.Response.Body, console.ExportAsync(id, query, ct), ct);
            else await ExperimentExport.WriteJsonAsync(http.Response.Body, console.ExportAsync(id, query, ct), ct);
            return TypedResults.Empty;
        }).WithSummary("Every experiment matching the filters (agent, status, verdict, kind) in the sort asked for, as CSV (one column per parameter) or a JSON array; streamed");

        campaigns.MapGet("/{id}/experiments/{sequence:int}", async Task<Results<Ok<ExperimentDetail>, NotFound<ProblemDetails>>> (string id, int sequence, ConsoleCampaigns console, CancellationToken ct) =>
            await console.ExperimentAsync(id, sequence, ct) is { } detail
                ? TypedResults.Ok(detail)
                : TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "No such experiment", $"Campaign '{id}' has no experiment number {sequence}.")))
            .WithSummary("One experiment: parameters or diff, log head and tail, metric curve, sandbox limits, status reason");

        campaigns.MapGet("/{id}/journal", async Task<Results<Ok<IReadOnlyList<JournalItem>>, ValidationProblem, NotFound<ProblemDetails>>> (
            string id, long? afterId, string[]? kind, string? author, ConsoleCampaigns console, CancellationToken ct) =>
        {
            var filter = JournalFilter.Parse(kind, author, out var problems);
            if (problems.Count > 0)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [.. problems] }, title: "The journal filter is not valid");
            return await console.JournalAsync(id, Math.Max(0, afterId ?? 0), ct, filter) is { } list ? TypedResults.Ok(list) : NotFoundCampaign(id);
        }).WithSummary("The shared journal, oldest first (afterId: only newer entries; kind, repeatable or comma-separated, and author: only those, as the CLI's journal --kind --author)");

        campaigns.MapPost("/{id}/journal", async Task<Results<Created<JournalItem>, ValidationProblem, NotFound<ProblemDetails>>> (string id, NoteRequest note, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
        {
            var outcome = await console.AddNoteAsync(id, note, SignedInAs(http), ct);
            if (outcome.NotFound) return NotFoundCampaign(id);
            if (!outcome.Ok) return TypedResults.ValidationProblem(outcome.Problems!.ToCamelCase(), title: "The note is not valid");
            return TypedResults.Created($"/api/campaigns/{id}/journal?afterId={outcome.Value!.Id - 1}", outcome.Value);
        }).WithSummary("Add a person's note to the journal (agents read it too)");

        campaigns.MapPost("/{id}/controls", async Task<Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, ControlBody body, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
        {
            var outcome = await console.ControlAsync(id, body, SignedInAs(http), ct);
            if (outcome.NotFound) return NotFoundCampaign(id);
            if (outcome.Conflict is { } why) return TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Nothing to control", why));
            if (!outcome.Ok) return TypedResults.ValidationProblem(outcome.Problems!.ToCamelCase(), title: "The control request is not valid");
            return outcome.Value!.State switch
            {
                ControlReplyState.Queued => TypedResults.Accepted($"/api/campaigns/{id}", outcome.Value),
                ControlReplyState.Refused => TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Refused", outcome.Value.Outcome)),
                _ => TypedResults.Ok(outcome.Value),
            };
        }).WithSummary("Pause, resume or stop the campaign or one agent, or change a budget (action: pause|resume|stop|budget)");

        campaigns.MapPost("/{id}/experiments/{sequence:int}/stop", async Task<Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, int sequence, StopExperimentBody? body, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
            SteeringAnswer(id, await console.StopExperimentAsync(id, sequence, body?.Reason, SignedInAs(http), ct), "The stop is not valid"))
            .WithSummary("Stop one queued or running experiment: its sandbox is stopped, it is recorded as stopped by you, its agent goes on");

        campaigns.MapPost("/{id}/experiments/{sequence:int}/approve", async Task<Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, int sequence, StopExperimentBody? body, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
            SteeringAnswer(id, await console.DecideApprovalAsync(id, sequence, approve: true, body?.Reason, SignedInAs(http), ct), "The approval is not valid"))
            .WithSummary("Approve an experiment awaiting approval (over the campaign's approval: thresholds): it is queued for a sandbox slot");

        campaigns.MapPost("/{id}/experiments/{sequence:int}/reject", async Task<Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, int sequence, StopExperimentBody? body, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
            SteeringAnswer(id, await console.DecideApprovalAsync(id, sequence, approve: false, body?.Reason, SignedInAs(http), ct), "The rejection is not valid"))
            .WithSummary("Reject an experiment awaiting approval: it is recorded as rejected by you, its agent goes on");

        campaigns.MapPost("/{id}/limits", async Task<Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, LimitsBody body, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
            SteeringAnswer(id, await console.SetLimitsAsync(id, body, SignedInAs(http), ct), "The limits are not valid"))
            .WithSummary("Change the deadline, the most experiments (maxExperiments) and/or the slots of a running campaign");

        campaigns.MapPost("/{id}/configurations", async Task<Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> (string id, ConfigurationBody body, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
            SteeringAnswer(id, await console.TryConfigurationAsync(id, body.Agent, body.Values(), body.Reason, SignedInAs(http), ct), "The configuration is not valid"))
            .WithSummary("Try this configuration next: parameter values queued as an agent's next proposal (agent: one agent, or none for any)");

        campaigns.MapGet("/{id}/reports", async Task<Results<Ok<IReadOnlyList<ReportItem>>, NotFound<ProblemDetails>>> (string id, ConsoleCampaigns console, CancellationToken ct) =>
            await console.ReportsAsync(id, ct) is { } list ? TypedResults.Ok(list) : NotFoundCampaign(id))
            .WithSummary("Every report written for the campaign, newest first");

        campaigns.MapPost("/{id}/reports", async Task<Results<Created<ReportItem>, NotFound<ProblemDetails>>> (string id, ConsoleCampaigns console, CancellationToken ct) =>
        {
            var outcome = await console.WriteReportAsync(id, ct);
            return outcome.NotFound ? NotFoundCampaign(id) : TypedResults.Created(outcome.Value!.HtmlUrl, outcome.Value);
        }).WithSummary("Write a report now (kept in the history with the scheduled and final ones)");

        campaigns.MapGet("/{id}/reports/{name}/{format}", async Task<Results<PhysicalFileHttpResult, NotFound<ProblemDetails>>> (string id, string name, string format, HttpContext http, ConsoleCampaigns console, CancellationToken ct) =>
        {
            if (await console.ReportFileAsync(id, name, format, ct) is not { } file || !File.Exists(file))
                return TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "No such report", $"Campaign '{id}' has no report '{name}' as '{format}' (html or md)."));
            // The report is self-contained: it may show its own inline styles and data: images, and run nothing.
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";
            return TypedResults.PhysicalFile(file, format == "html" ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8");
        }).WithSummary("A report's rendered HTML or its Markdown ('latest' names the newest)");

        return app;
    }

    /// <summary>The name notes and control requests are recorded under: the token's name, or the admin.</summary>
    public static string SignedInAs(HttpContext http) => http.User.Identity?.Name ?? ConsoleAuth.AdminName;

    /// <summary>A steering request's answer: 200 applied, 202 queued (no running host yet), 409 refused by the campaign, 400 per field.</summary>
    private static Results<Ok<ControlResult>, Accepted<ControlResult>, ValidationProblem, NotFound<ProblemDetails>, Conflict<ProblemDetails>> SteeringAnswer(
        string id, OperationOutcome<ControlResult> outcome, string invalidTitle)
    {
        if (outcome.NotFound) return NotFoundCampaign(id);
        if (outcome.Conflict is { } why) return TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Nothing to control", why));
        if (!outcome.Ok) return TypedResults.ValidationProblem(outcome.Problems!.ToCamelCase(), title: invalidTitle);
        return outcome.Value!.State switch
        {
            ControlReplyState.Queued => TypedResults.Accepted($"/api/campaigns/{id}", outcome.Value),
            ControlReplyState.Refused => TypedResults.Conflict(Problem(StatusCodes.Status409Conflict, "Refused", outcome.Value.Outcome)),
            _ => TypedResults.Ok(outcome.Value),
        };
    }

    private static NotFound<ProblemDetails> NotFoundCampaign(string id) =>
        TypedResults.NotFound(Problem(StatusCodes.Status404NotFound, "No such campaign", $"No campaign '{id}' in the ledger; GET /api/campaigns lists them."));

    private static ProblemDetails Problem(int status, string title, string? detail) => new() { Status = status, Title = title, Detail = detail };
}
