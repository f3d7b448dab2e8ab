using System.Security.Claims;
using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace AutoResearch.Web.Pages;

[EnableRateLimiting(ConsoleAuth.SignInPolicy)]
public sealed class LoginModel(CredentialStore credentials, ConsoleSessions sessions, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>A user's name; empty or <c>admin</c>: the admin password.</summary>
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if ((string.IsNullOrEmpty(Password) ? null : credentials.VerifySignIn(Name, Password)) is not { } who)
        {
            logger.LogWarning("Console sign-in refused from {Remote}", HttpContext.Connection.RemoteIpAddress);
            // The name tried is kept only when it is a real one: a password typed into the name field stays out of the log.
            var tried = string.IsNullOrWhiteSpace(Name) ? ConsoleAuth.AdminName : Name.Trim();
            AuditRecorder.Describe(HttpContext, "refused: wrong name or password", "sign-in",
                credentials.RoleOf(tried) is not null || string.Equals(tried, ConsoleAuth.AdminName, StringComparison.OrdinalIgnoreCase) ? tried : "(unknown name)");
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            Problem = string.IsNullOrWhiteSpace(Name) ? "That is not the admin password." : "That name and password do not match.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        AuditRecorder.Describe(HttpContext, $"signed in as {who.Role.Name()}", "sign-in", who.Name);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, who.Name), new Claim(ClaimTypes.NameIdentifier, who.Name), new Claim(ClaimTypes.Role, who.Role.Name()),
                new Claim(ConsoleAuth.SessionClaim, sessions.Open(who.Name)),
                new Claim(ConsoleAuth.SignedInAtClaim, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
            ConsoleAuth.CookieScheme);
        await HttpContext.SignInAsync(ConsoleAuth.CookieScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
