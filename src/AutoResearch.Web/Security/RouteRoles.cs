using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Security;

/// <summary>One rule of <see cref="RouteRoles"/>: who may call <see cref="Method"/> <see cref="Pattern"/> (null role: anyone, signed in or not).</summary>
public sealed record RouteRule(string Method, string Pattern, ConsoleRole? Role)
{
    public string Describe => $"{Method} {Pattern} → {(Role is { } r ? r.Name() : "anyone")}";
}

/// <summary>
/// Which role each route of the console needs, in one table: every endpoint (method and route pattern) and every Razor
/// page handler. <see cref="RequireRouteRoles{TBuilder}"/> puts the rule's policy (<see cref="ConsolePolicies"/>) on each
/// endpoint as it is built, and <see cref="PageHandlerRoles"/> checks a page handler's rule before it runs. A route that
/// is not in the table needs an admin (and a test that walks every route fails until it is added here).
/// </summary>
public static class RouteRoles
{
    private const ConsoleRole Viewer = ConsoleRole.Viewer;
    private const ConsoleRole Researcher = ConsoleRole.Researcher;
    private const ConsoleRole Admin = ConsoleRole.Admin;

    /// <summary>Endpoints by HTTP method and route pattern; a pattern ending in <c>/*</c> covers everything under it.</summary>
    public static readonly IReadOnlyList<RouteRule> Endpoints =
    [
        // Open: liveness, and what the sign-in page needs.
        new("GET", "/health", null),
        new("GET", "/assets/{name}", null),
        new("GET", "/favicon.ico", null),
        new("GET", "/favicon.svg", null),

        // Access: anyone signed in has tokens of their own (at most their role); users and the audit log are the admin's.
        new("GET", "/api/me", Viewer),
        new("GET", "/api/tokens", Viewer),
        new("POST", "/api/tokens", Viewer),
        new("DELETE", "/api/tokens/{id}", Viewer),
        new("GET", "/api/users", Admin),
        new("POST", "/api/users", Admin),
        new("PUT", "/api/users/{name}", Admin),
        new("DELETE", "/api/users/{name}", Admin),
        new("GET", "/api/audit", Admin),
        new("GET", "/api/quota", Viewer),
        new("PUT", "/api/quota", Admin),

        // Campaigns: viewers read; researchers start, steer, control, annotate and write reports.
        new("GET", "/api/catalog", Viewer),
        new("GET", "/api/campaigns", Viewer),
        new("POST", "/api/campaigns", Researcher),
        new("GET", "/api/campaigns/{id}", Viewer),
        new("GET", "/api/campaigns/{id}/events", Viewer),
        new("POST", "/api/campaigns/{id}/resume-here", Researcher),
        new("GET", "/api/campaigns/{id}/experiments", Viewer),
        new("GET", "/api/campaigns/{id}/experiments/export.{format:regex(^(csv|json)$)}", Viewer),
        new("GET", "/api/campaigns/{id}/experiments/{sequence:int}", Viewer),
        new("GET", "/api/campaigns/{id}/journal", Viewer),
        new("POST", "/api/campaigns/{id}/journal", Researcher),
        new("POST", "/api/campaigns/{id}/controls", Researcher),
        new("POST", "/api/campaigns/{id}/experiments/{sequence:int}/stop", Researcher),
        new("POST", "/api/campaigns/{id}/experiments/{sequence:int}/approve", Researcher),
        new("POST", "/api/campaigns/{id}/experiments/{sequence:int}/reject", Researcher),
        new("POST", "/api/campaigns/{id}/limits", Researcher),
        new("POST", "/api/campaigns/{id}/configurations", Researcher),
        new("GET", "/api/campaigns/{id}/reports", Viewer),
        new("POST", "/api/campaigns/{id}/reports", Researcher),
        new("GET", "/api/campaigns/{id}/reports/{name}/{format}", Viewer),
        new("GET", "/api/campaigns/{id}/analysis", Viewer),
        new("GET", "/api/campaigns/{id}/compare", Viewer),
        new("GET", "/api/night", Viewer),
        new("GET", "/openapi/{documentName}.json", Viewer),

        // The Orleans dashboard shows grain state and traces of the whole silo: operators only.
        new("*", "/dashboard/*", Admin),
    ];

    /// <summary>Razor page handlers by HTTP method, page and handler name (<c>?handler=</c>).</summary>
    public static readonly IReadOnlyList<RouteRule> PageHandlers =
    [
        new("GET", "/Login", null),
        new("POST", "/Login", null),
        new("GET", "/Logout", Viewer),
        new("POST", "/Logout", Viewer),
        new("GET", "/Index", Viewer),
        new("GET", "/Night", Viewer),
        new("GET", "/Campaigns/New", Researcher),
        new("POST", "/Campaigns/New", Researcher),
        new("GET", "/Campaigns/View", Viewer),
        new("POST", "/Campaigns/View?handler=Control", Researcher),
        new("POST", "/Campaigns/View?handler=ResumeHere", Researcher),
        new("POST", "/Campaigns/View?handler=Limits", Researcher),
        new("POST", "/Campaigns/View?handler=Try", Researcher),
        new("POST", "/Campaigns/View?handler=Decide", Researcher),
        new("GET", "/Campaigns/Journal", Viewer),
        new("POST", "/Campaigns/Journal", Researcher),
        new("GET", "/Campaigns/Reports", Viewer),
        new("POST", "/Campaigns/Reports", Researcher),
        new("GET", "/Campaigns/Experiments", Viewer),
        new("GET", "/Campaigns/Experiment", Viewer),
        new("POST", "/Campaigns/Experiment?handler=Stop", Researcher),
        new("POST", "/Campaigns/Experiment?handler=Note", Researcher),
        new("GET", "/Campaigns/Compare", Viewer),
        new("GET", "/Campaigns/Analysis", Viewer),
        new("GET", "/Settings/Tokens", Viewer),
        new("POST", "/Settings/Tokens?handler=Create", Viewer),
        new("POST", "/Settings/Tokens?handler=Revoke", Viewer),
        new("GET", "/Settings/Users", Admin),
        new("POST", "/Settings/Users?handler=Save", Admin),
        new("POST", "/Settings/Users?handler=Remove", Admin),
        new("GET", "/Settings/Audit", Admin),
        new("GET", "/Settings/Quota", Viewer),
        new("POST", "/Settings/Quota?handler=Save", Admin),
    ];

    /// <summary>The rule for an endpoint (null when the table has none).</summary>
    public static RouteRule? ForEndpoint(string method, string pattern)
    {
        pattern = Normalize(pattern);
        return Endpoints.FirstOrDefault(r => (r.Method == "*" || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase))
            && (r.Pattern.EndsWith("/*", StringComparison.Ordinal)
                ? pattern.StartsWith(r.Pattern[..^1], StringComparison.OrdinalIgnoreCase) || string.Equals(pattern, r.Pattern[..^2], StringComparison.OrdinalIgnoreCase)
                : string.Equals(r.Pattern, pattern, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The rule for a page handler (null when the table has none).</summary>
    public static RouteRule? ForPageHandler(string method, string page, string? handler)
    {
        var key = string.IsNullOrEmpty(handler) ? page : $"{page}?handler={handler}";
        return PageHandlers.FirstOrDefault(r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Pattern, key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A route pattern as the table writes it: a leading slash, no trailing one.</summary>
    public static string Normalize(string pattern)
    {
        var p = "/" + pattern.Trim('/');
        return p;
    }

    /// <summary>
    /// Puts each endpoint's policy from the table on it once it is complete (a <c>Finally</c> convention, so the methods
    /// and the whole pattern are known): <see cref="AllowAnonymousAttribute"/> for open routes, else the policy of the role
    /// the most demanding of its methods needs; an endpoint not in the table needs an admin.
    /// </summary>
    public static TBuilder RequireRouteRoles<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var role = RoleOf(endpoint, out _);
            if (role is null) endpoint.Metadata.Add(new AllowAnonymousAttribute());
            else endpoint.Metadata.Add(new AuthorizeAttribute(ConsolePolicies.For(role.Value)));
        });
        return builder;
    }

    /// <summary>
    /// The role an endpoint needs by the table; <paramref name="missing"/> names what the table lacks (then: admin). A page
    /// endpoint needs the least role of its page's handlers (each handler is checked on its own by <see cref="PageHandlerRoles"/>).
    /// </summary>
    public static ConsoleRole? RoleOf(EndpointBuilder endpoint, out string? missing) => RoleOf(endpoint.Metadata, (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText, out missing);

    public static ConsoleRole? RoleOf(IEnumerable<object> metadata, string? pattern, out string? missing)
    {
        missing = null;
        var items = metadata.ToList();
        if (items.OfType<PageActionDescriptor>().FirstOrDefault() is { } page)
        {
            var rules = PageHandlers.Where(r => r.Pattern == page.ViewEnginePath || r.Pattern.StartsWith(page.ViewEnginePath + "?", StringComparison.Ordinal)).ToList();
            if (rules.Count == 0)
            {
                missing = $"page {page.ViewEnginePath}";
                return ConsoleRole.Admin;
            }
            return rules.Any(r => r.Role is null) ? null : rules.Min(r => r.Role);
        }
        var methods = items.OfType<HttpMethodMetadata>().LastOrDefault()?.HttpMethods is { Count: > 0 } m ? m : ["*"];
        ConsoleRole? most = null;
        var open = true;
        foreach (var method in methods.Where(x => x is not "HEAD" and not "OPTIONS").DefaultIfEmpty(methods[0]))
        {
            var rule = ForEndpoint(method, pattern ?? "");
            if (rule is null)
            {
                missing = $"{method} {Normalize(pattern ?? "")}";
                return ConsoleRole.Admin;
            }
            if (rule.Role is { } r)
            {
                open = false;
                most = most is null || r > most ? r : most;
            }
        }
        return open ? null : most;
    }
}
