using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Settings;

public sealed class TokensModel(CredentialStore store) : PageModel
{
    public IReadOnlyList<ApiTokenRecord> Tokens { get; private set; } = [];

    /// <summary>A token just created: shown on this one answer only.</summary>
    public string? NewToken { get; private set; }

    public string? Problem { get; private set; }

    [BindProperty] public string? Name { get; set; }

    private const string NewTokenKey = "NewToken";

    public void OnGet()
    {
        Tokens = store.Tokens;
        // A token just made is shown on the first answer after its POST only (POST-redirect-GET: a reload makes no second one).
        if (TempData[NewTokenKey] is string token)
        {
            NewToken = token;
            Response.Headers.CacheControl = "no-store";
        }
    }

    public IActionResult OnPostCreate()
    {
        var name = Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            Problem = "Give the token a name of 1 to 100 printable characters (what uses it).";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Tokens = store.Tokens;
            return Page();
        }
        TempData[NewTokenKey] = store.CreateToken(name).Token;
        return Redirect("/settings/tokens");
    }

    public IActionResult OnPostRevoke(string tokenId)
    {
        if (store.RevokeToken(tokenId)) TempData["Message"] = "Token revoked.";
        else Flash.Error(TempData, "There is no such token.");
        return Redirect("/settings/tokens");
    }
}
