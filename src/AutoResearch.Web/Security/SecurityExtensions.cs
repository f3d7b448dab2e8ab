using AutoResearch.Host.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Authentication.Cookies;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;

namespace AutoResearch.Web.Security;

/// <summary>
/// Sign-in for the console: a cookie for people (the admin password, or a user's name and password), bearer API tokens for
/// scripts; everything but health requires one, and each route the role <see cref="RouteRoles"/> names. Every change is
/// written to the <see cref="AuditLog"/>.
/// </summary>
public static class SecurityExtensions
{
    public static WebApplicationBuilder AddConsoleSecurity(this WebApplicationBuilder builder, ConsoleOptions options, AutoResearchOptions data)
    {
        // Sign-in cookies stay valid across restarts: the keys that protect them live with the data.
        builder.Services.AddDataProtection()
            .SetApplicationName("autoresearch-console")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(data.FullDataDirectory, "console", "keys")));
        builder.Services.AddSingleton<CredentialStore>();
        builder.Services.AddSingleton<ConsoleSessions>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AccessOperations>();
        // Roles as names in the API too (the options' general enum converter would win over the type's attribute).
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Insert(0, new ConsoleRoleJsonConverter()));
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.Add(new PageHandlerRoles()));
        builder.Services.AddHostedService<AdminPasswordSetup>();
        builder.Services.AddAuthentication(ConsoleAuth.Scheme)
            .AddPolicyScheme(ConsoleAuth.Scheme, "Cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ConsoleAuth.TokenScheme
                    : ConsoleAuth.CookieScheme)
            .AddCookie(ConsoleAuth.CookieScheme, o =>
            {
                o.Cookie.Name = ConsoleAuth.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.ExpireTimeSpan = options.SessionLifetime;
                o.SlidingExpiration = true;
                // Scripts and the API get a status code, people a sign-in page.
                o.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
                // A role too low: 403 (people get a page that says so), never a redirect.
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
                // A cookie counts only while its server-side session is open (signing out ends it for every copy) and its
                // user still exists; the role is the user's current one, so a changed role counts at once.
                o.Events.OnValidatePrincipal = async context =>
                {
                    var services = context.HttpContext.RequestServices;
                    var name = context.Principal?.Identity?.Name;
                    if (!services.GetRequiredService<ConsoleSessions>().IsOpen(context.Principal?.FindFirst(ConsoleAuth.SessionClaim)?.Value)
                        || name is null || services.GetRequiredService<CredentialStore>().RoleOf(name, SignedInAt(context.Principal)) is not { } role)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(ConsoleAuth.CookieScheme);
                        return;
                    }
                    // The name is the stable identifier antiforgery tokens are bound to, so a changed role keeps open forms valid.
                    var claims = context.Principal!.Claims.Where(c => c.Type is not (System.Security.Claims.ClaimTypes.Role or System.Security.Claims.ClaimTypes.NameIdentifier))
                        .Append(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, name))
                        .Append(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, role.Name()));
                    context.ReplacePrincipal(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims, ConsoleAuth.CookieScheme)));
                };
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenHandler>(ConsoleAuth.TokenScheme, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ConsoleAuth.Scheme).RequireAuthenticatedUser().Build())
            .AddRolePolicies();
        // Password guessing: a few sign-in attempts per address and minute, then 429 (the page itself answers a failure slowly too).
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Say when to try again; the page itself is written by the friendly error pages.
            limiter.OnRejected = (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(ConsoleAuth.SignInPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "local", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("pages"));
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = ConsoleAuth.AntiforgeryHeader;
            o.Cookie.Name = "autoresearch.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return builder;
    }

    /// <summary>Security headers (a strict Content-Security-Policy for the console's own pages), authentication, authorization.</summary>
    public static WebApplication UseConsoleSecurity(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments("/dashboard"))
            {
                headers.XFrameOptions = "SAMEORIGIN";
                headers.ContentSecurityPolicy =
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
                    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'";
            }
            await next(context);
        });
        app.UseFriendlyErrorPages();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuditLog();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>
    /// API calls that change something and are signed in by the browser's cookie must carry the antiforgery header
    /// (<see cref="ConsoleAuth.AntiforgeryHeader"/>): another site cannot make the browser send it. Token calls need none.
    /// </summary>
    public static TBuilder RequireAntiforgeryForCookies<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
                && http.User.Identity?.AuthenticationType != ConsoleAuth.TokenScheme)
            {
                try
                {
                    await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
                }
                catch (AntiforgeryValidationException)
                {
                    return Results.Problem(
                        statusCode: StatusCodes.Status400BadRequest,
                        title: "Missing or invalid antiforgery token",
                        detail: $"A browser-session call that changes something must send the {ConsoleAuth.AntiforgeryHeader} header; scripts should use an API token (Authorization: Bearer).");
                }
            }
            return await next(context);
        });

    /// <summary>When the cookie's person signed in (null for cookies from before the claim existed).</summary>
    private static DateTimeOffset? SignedInAt(System.Security.Claims.ClaimsPrincipal? principal) =>
        long.TryParse(principal?.FindFirst(ConsoleAuth.SignedInAtClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/openapi")
            || context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase)
            || !HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
