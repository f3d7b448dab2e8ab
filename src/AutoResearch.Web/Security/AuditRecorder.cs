using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Security;

/// <summary>
/// Writes the audit log centrally: every request that may change something (any method but GET, HEAD, OPTIONS, TRACE) gets
/// one entry once it is answered, refused ones (401, 403, 400…) included, with who, method and route (and page handler),
/// campaign id, status and address. Code that knows more says so with <see cref="Describe"/> (sign-in names the person
/// signing in; user and token changes say which), never with a secret. Sits between authentication and authorization, so
/// it sees who called and also the calls authorization refuses.
/// </summary>
public static class AuditRecorder
{
    private const string OperationKey = "audit:operation";
    private const string ActorKey = "audit:actor";
    private const string DetailKey = "audit:detail";
    private const int MaxDetail = 300;

    /// <summary>
    /// Adds to this request's audit entry: the <paramref name="operation"/> in place of the route (<c>sign-in</c>), the
    /// <paramref name="actor"/> when the request is not signed in yet, and a few words of <paramref name="detail"/>.
    /// </summary>
    public static void Describe(HttpContext http, string? detail, string? operation = null, string? actor = null)
    {
        if (detail is not null) http.Items[DetailKey] = detail.Length > MaxDetail ? detail[..MaxDetail] + "…" : detail;
        if (operation is not null) http.Items[OperationKey] = operation;
        if (actor is not null) http.Items[ActorKey] = actor;
    }

    public static IApplicationBuilder UseAuditLog(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            await next(context);
            return;
        }
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            context.RequestServices.GetRequiredService<AuditLog>().Write(EntryFor(context, failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode));
        }
    });

    private static AuditEntry EntryFor(HttpContext http, int status)
    {
        var user = http.User;
        var signedIn = user.Identity?.IsAuthenticated == true;
        var endpoint = http.GetEndpoint();
        var pattern = (endpoint as RouteEndpoint)?.RoutePattern.RawText is { } raw ? RouteRoles.Normalize(raw) : null;
        var route = pattern ?? Truncate(http.Request.Path.Value ?? "/", 200);
        var handler = http.Request.Query["handler"].ToString();
        if (handler.Length == 0 && http.GetRouteValue("handler") is string h) handler = h;
        if (handler.Length > 0 && endpoint?.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            route += "?handler=" + Truncate(handler, 50);
        return new AuditEntry
        {
            At = DateTimeOffset.UtcNow,
            Actor = http.Items[ActorKey] as string ?? (signedIn ? user.Identity!.Name ?? "?" : "anonymous"),
            Role = ConsoleRoles.Of(user)?.Name(),
            Via = !signedIn ? "" : user.Identity!.AuthenticationType == ConsoleAuth.TokenScheme ? "token" : "cookie",
            Action = http.Items[OperationKey] as string ?? $"{http.Request.Method} {route}",
            Campaign = pattern is not null && pattern.Contains("campaigns/{id}", StringComparison.OrdinalIgnoreCase) && http.GetRouteValue("id") is string id ? Truncate(id, 200) : null,
            Detail = http.Items[DetailKey] as string,
            Status = status,
            Remote = http.Connection.RemoteIpAddress?.ToString(),
        };
    }

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] + "…" : text;
}
