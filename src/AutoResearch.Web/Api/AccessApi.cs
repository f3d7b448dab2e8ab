using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AutoResearch.Web.Api;

/// <summary><c>/health</c> (the one thing open without sign-in), <c>/api/me</c> and <c>/api/tokens</c> (API tokens for scripts).</summary>
public static class AccessApi
{
    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthView("ok"))).AllowAnonymous().WithTags("Health")
            .WithSummary("Liveness: answers without sign-in and says nothing else");

        var api = app.MapGroup("/api").WithTags("Access").RequireAntiforgeryForCookies();
        api.MapGet("/me", (HttpContext http) => TypedResults.Ok(new MeView(CampaignsApi.SignedInAs(http), http.User.Identity?.AuthenticationType ?? "")))
            .WithSummary("Who the call is signed in as (admin, or token:<name>)");

        api.MapGet("/tokens", (CredentialStore store) => TypedResults.Ok(store.Tokens.Select(TokenView.From).ToList()))
            .WithSummary("API tokens (names and prefixes; the tokens themselves are never shown again)");

        api.MapPost("/tokens", Results<Created<NewTokenView>, ValidationProblem> (NewTokenRequest request, CredentialStore store) =>
        {
            var name = request.Name?.Trim() ?? "";
            if (name.Length is 0 or > 100 || name.Any(char.IsControl))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["give the token a name of 1 to 100 printable characters (what uses it)"] });
            var (record, token) = store.CreateToken(name);
            return TypedResults.Created($"/api/tokens/{record.Id}", new NewTokenView(TokenView.From(record), token));
        }).WithSummary("Create an API token; the answer holds the token, the only time it is shown");

        api.MapDelete("/tokens/{id}", Results<NoContent, NotFound<ProblemDetails>> (string id, CredentialStore store) =>
            store.RevokeToken(id)
                ? TypedResults.NoContent()
                : TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "No such token", Detail = $"There is no API token '{id}'." }))
            .WithSummary("Revoke an API token");
        return app;
    }
}
