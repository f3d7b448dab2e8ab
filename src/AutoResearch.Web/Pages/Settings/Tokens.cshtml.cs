using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Settings;

public sealed class TokensModel(AccessOperations access, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ApiTokenRecord> Tokens { get; private set; } = [];

    /// <summary>A token just created: shown on this one answer only.</summary>
    public string? NewToken { get; private set; }

    public string? Problem { get; private set; }

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The roles this person may give a token (theirs and below).</summary>
    public IReadOnlyList<ConsoleRole> Roles => [.. ConsoleRoles.All.Where(r => r <= (ConsoleRoles.Of(User) ?? ConsoleRole.Viewer))];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public int? ExpiresInDays { get; set; }

    private const string NewTokenKey = "NewToken";

    public void OnGet()
    {
        Tokens = access.TokensFor(User);
        // A token just made is shown on the first answer after its POST only (POST-redirect-GET: a reload makes no second one).
        if (TempData[NewTokenKey] is string token)
        {
            NewToken = token;
            Response.Headers.CacheControl = "no-store";
        }
    }

    public IActionResult OnPostCreate()
    {
        var made = access.CreateToken(HttpContext, Name, Role, ExpiresInDays);
        if (!made.Ok)
        {
            Problem = string.Join(" ", made.Problems!.ByField.Values.SelectMany(v => v).Select(m => char.ToUpperInvariant(m[0]) + m[1..] + "."));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Tokens = access.TokensFor(User);
            return Page();
        }
        TempData[NewTokenKey] = made.Value.Token;
        return Redirect("/settings/tokens");
    }

    public IActionResult OnPostRevoke(string tokenId)
    {
        if (access.RevokeToken(HttpContext, tokenId)) TempData["Message"] = "Token revoked.";
        else Flash.Error(TempData, "There is no such token.");
        return Redirect("/settings/tokens");
    }
}
