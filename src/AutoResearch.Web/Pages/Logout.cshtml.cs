using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages;

public sealed class LogoutModel(ConsoleSessions sessions) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        // Ends the session on the server too, so a copy of the cookie taken before is refused from now on.
        sessions.Close(User.FindFirst(ConsoleAuth.SessionClaim)?.Value);
        AuditRecorder.Describe(HttpContext, null, "sign-out");
        await HttpContext.SignOutAsync(ConsoleAuth.CookieScheme);
        return Redirect("/login");
    }
}
