using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace AutoResearch.Web;

/// <summary>
/// Answers that would otherwise leave the browser with an empty body (a form over the size limits, an expired form, too many
/// sign-in attempts) get a page that says what happened and what to do: 400, 413 and 429 (with <c>Retry-After</c>) for
/// people, a problem document for the API. Answers that already have a body are left as they are.
/// </summary>
public static class ErrorPages
{
    /// <summary>Most fields a form may post (ASP.NET's default, stated here so the pages can say it).</summary>
    public const int MaxFormFields = 1024;

    /// <summary>Longest value of one form field, in characters.</summary>
    public const int MaxFieldLength = 64 * 1024;

    public static WebApplicationBuilder AddFriendlyErrorPages(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.ValueCountLimit = MaxFormFields;
            o.ValueLengthLimit = MaxFieldLength;
        });
        return builder;
    }

    public static WebApplication UseFriendlyErrorPages(this WebApplication app)
    {
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            if (status is not (StatusCodes.Status400BadRequest or StatusCodes.Status403Forbidden or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests)) return;
            var retryAfter = int.TryParse(http.Response.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : (int?)null;
            var api = WantsJson(http.Request);
            var (title, detail) = Explain(status, retryAfter, api);
            if (api)
            {
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
                });
                return;
            }
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            await http.Response.WriteAsync(Page(status, title, detail, http.Request));
        });
        return app;
    }

    /// <summary>The title and advice for <paramref name="status"/>.</summary>
    public static (string Title, string Detail) Explain(int status, int? retryAfterSeconds, bool api = false) => status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge when api => (
            status == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "The request could not be read",
            "The body is not what this endpoint takes (see /openapi/v1.json), or it is over the size limits."),
        StatusCodes.Status403Forbidden => (
            "Not allowed for your role",
            "You are signed in, but your role does not allow this (viewers read; researchers also start and steer campaigns; admins also manage users, tokens and the audit log). Ask an admin for a higher role."),
        StatusCodes.Status429TooManyRequests => (
            "Too many sign-in attempts",
            $"This address has tried to sign in too often. Wait {Wait(retryAfterSeconds)}, then sign in again: until then every attempt is refused, the right password too."),
        StatusCodes.Status413PayloadTooLarge => (
            "That was too large",
            $"The server accepts forms of at most {MaxFormFields} fields of {MaxFieldLength / 1024} KiB each. Go back, shorten what you entered and send it again."),
        _ => (
            "The form could not be accepted",
            $"Either it was over the limits (at most {MaxFormFields} fields of {MaxFieldLength / 1024} KiB each), or it came from a page that has expired (after a restart or a new sign-in). Go back, reload the page and send it again."),
    };

    private static string Wait(int? seconds) => seconds switch
    {
        null => "a minute",
        1 => "1 second",
        < 120 => $"{seconds} seconds",
        _ => $"{(seconds.Value + 59) / 60} minutes",
    };

    private static bool WantsJson(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi")
        || (request.Headers.Accept.ToString() is { Length: > 0 } accept
            && accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    private static string Page(int status, string title, string detail, HttpRequest request)
    {
        var html = HtmlEncoder.Default;
        var back = request.Path.StartsWithSegments("/login") ? "/login" : "/";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{html.Encode(title)} · AutoResearch</title>
            <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
            <link rel="stylesheet" href="/assets/console.css" /></head>
            <body>
            <header class="top"><a class="brand" href="/">AutoResearch</a></header>
            <main>
            <section class="error-page" data-status="{status}">
            <h1>{html.Encode(title)}</h1>
            <p class="banner banner-error" role="alert">{html.Encode(detail)}</p>
            <p class="muted">HTTP {status}</p>
            <p><a class="button" href="{back}">{(back == "/login" ? "Back to sign-in" : "Back to the console")}</a></p>
            </section>
            </main>
            </body>
            </html>
            """;
    }
}
