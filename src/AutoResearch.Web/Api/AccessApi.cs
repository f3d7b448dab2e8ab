using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AutoResearch.Web.Api;

/// <summary>
/// <c>/health</c> (the one thing open without sign-in), <c>/api/me</c>, <c>/api/tokens</c> (API tokens for scripts, with a
/// role and an expiry), <c>/api/users</c> (admin) and <c>/api/audit</c> (admin). Who may call what: <see cref="RouteRoles"/>.
/// </summary>
public static class AccessApi
{
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthView("ok"))).AllowAnonymous().WithTags("Health")
            .WithSummary("Liveness: answers without sign-in and says nothing else");

        var api = app.MapGroup("/api").WithTags("Access").RequireAntiforgeryForCookies();
        api.MapGet("/me", (HttpContext http) => TypedResults.Ok(new MeView(CampaignsApi.SignedInAs(http), http.User.Identity?.AuthenticationType ?? "", ConsoleRoles.Of(http.User) ?? ConsoleRole.Viewer)))
            .WithSummary("Who the call is signed in as (admin, a user, or token:<name>) and with which role");

        api.MapGet("/tokens", (HttpContext http, AccessOperations access, TimeProvider clock) =>
                TypedResults.Ok(access.TokensFor(http.User).Select(t => TokenView.From(t, clock.GetUtcNow())).ToList()))
            .WithSummary("API tokens with role and expiry (an admin sees every one, others their own; the tokens themselves are never shown again)");

        api.MapPost("/tokens", Results<Created<NewTokenView>, ValidationProblem> (NewTokenRequest request, HttpContext http, AccessOperations access, TimeProvider clock) =>
        {
            var made = access.CreateToken(http, request.Name, request.Role, request.ExpiresInDays);
            if (!made.Ok) return TypedResults.ValidationProblem(made.Problems!.ToCamelCase(), title: "The token is not valid");
            var (record, token) = made.Value;
            return TypedResults.Created($"/api/tokens/{record.Id}", new NewTokenView(TokenView.From(record, clock.GetUtcNow()), token));
        }).WithSummary("Create an API token (role at most yours, default yours; expiresInDays, default from Console:TokenDays); the answer holds the token, the only time it is shown");

        api.MapDelete("/tokens/{id}", Results<NoContent, NotFound<ProblemDetails>> (string id, HttpContext http, AccessOperations access) =>
            access.RevokeToken(http, id)
                ? TypedResults.NoContent()
                : TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such token", Detail = $"There is no API token '{id}' of yours." }))
            .WithSummary("Revoke an API token (an admin any, others their own)");

        api.MapGet("/users", (CredentialStore store) => TypedResults.Ok(store.Users.Select(UserView.From).OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ToList()))
            .WithTags("Users").WithSummary("Console users with their roles (the built-in admin signs in with the admin password and is not listed)");

        api.MapPost("/users", Results<Created<UserView>, ValidationProblem, Conflict<ProblemDetails>> (UserRequest request, HttpContext http, AccessOperations access) =>
        {
            var saved = access.SaveUser(http, request.Name, request.Password, request.Role, create: true);
            if (saved.Conflict is { } why) return TypedResults.Conflict(new ProblemDetails { Status = 409, Title = "The user exists", Detail = why });
            if (!saved.Ok) return TypedResults.ValidationProblem(saved.Problems!.ToCamelCase(), title: "The user is not valid");
            return TypedResults.Created($"/api/users/{saved.Value!.Name}", UserView.From(saved.Value));
        }).WithTags("Users").WithSummary("Add a user: name, password (8 characters or more), role (viewer|researcher|admin)");

        api.MapPut("/users/{name}", Results<Ok<UserView>, ValidationProblem, NotFound<ProblemDetails>> (string name, UserRequest request, HttpContext http, AccessOperations access) =>
        {
            var saved = access.SaveUser(http, name, request.Password, request.Role, create: false);
            if (saved.NotFound) return NoSuchUser(name);
            if (!saved.Ok) return TypedResults.ValidationProblem(saved.Problems!.ToCamelCase(), title: "The change is not valid");
            return TypedResults.Ok(UserView.From(saved.Value!));
        }).WithTags("Users").WithSummary("Change a user's role, and password when one is given (a new password ends their sessions)");

        api.MapDelete("/users/{name}", Results<NoContent, NotFound<ProblemDetails>> (string name, HttpContext http, AccessOperations access) =>
            access.RemoveUser(http, name) ? TypedResults.NoContent() : NoSuchUser(name))
            .WithTags("Users").WithSummary("Remove a user; their sessions end at once");

        api.MapGet("/quota", async (AutoResearch.Web.Campaigns.ConsoleCampaigns console, CancellationToken ct) => TypedResults.Ok(await console.QuotaAsync(ct)))
            .WithTags("Quota").WithSummary("The lab's quota of GPU-hours, CPU-hours and tokens (0: no limit), what its campaigns used and what is left (one lab per server)");

        api.MapPut("/quota", async Task<Results<Ok<AutoResearch.Host.Operations.LabQuotaView>, ValidationProblem>> (AutoResearch.Web.Campaigns.QuotaBody body, HttpContext http, AutoResearch.Web.Campaigns.ConsoleCampaigns console, CancellationToken ct) =>
        {
            var set = await console.SetQuotaAsync(body, CampaignsApi.SignedInAs(http), ct);
            AuditRecorder.Describe(http, $"quota gpuHours={body.GpuHours?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} cpuHours={body.CpuHours?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} tokens={body.Tokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
            return set.Ok ? TypedResults.Ok(set.Value!) : TypedResults.ValidationProblem(set.Problems!.ToCamelCase(), title: "The quota is not valid");
        }).WithTags("Quota").WithSummary("Set the lab's quota (admin): gpuHours, cpuHours, tokens; a missing value stays, 0 removes a limit. Enforced at campaign start and while campaigns run");

        api.MapGet("/audit", Results<Ok<AuditPageView>, ValidationProblem> (int? offset, int? limit, AuditLog audit) =>
        {
            var (from, count) = (offset ?? 0, limit ?? AuditPageView.DefaultLimit);
            if (from < 0 || count is < 1 or > AuditPageView.MaxLimit)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [from < 0 ? "offset" : "limit"] = [$"offset is 0 or more and limit 1 to {AuditPageView.MaxLimit}"] }, title: "The audit query is not valid");
            var (entries, total) = audit.Read(from, count);
            return TypedResults.Ok(new AuditPageView(total, from, count, entries));
        }).WithTags("Audit").WithSummary($"The audit log, newest first: every change (who, what, campaign, status, from where), sign-ins and user and token changes; offset, limit (1..{AuditPageView.MaxLimit})");
        return app;
    }

    private static NotFound<ProblemDetails> NoSuchUser(string name) =>
        TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such user", Detail = $"There is no user '{name}'; GET /api/users lists them." });
}
