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

    [BindProperty]
    public string? Password { get; set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrEmpty(Password) || !credentials.VerifyAdminPassword(Password))
        {
            logger.LogWarning("Console sign-in refused from {Remote}", HttpContext.Connection.RemoteIpAddress);
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            Problem = "That is not the admin password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, ConsoleAuth.AdminName), new Claim(ConsoleAuth.SessionClaim, sessions.Open(ConsoleAuth.AdminName))],
            ConsoleAuth.CookieScheme);
        await HttpContext.SignInAsync(ConsoleAuth.CookieScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
