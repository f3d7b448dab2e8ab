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

    public void OnGet() => Tokens = store.Tokens;

    public IActionResult OnPostCreate()
    {
        var name = Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            Problem = "Give the token a name of 1 to 100 printable characters (what uses it).";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            NewToken = store.CreateToken(name).Token;
            Response.Headers.CacheControl = "no-store";
        }
        Tokens = store.Tokens;
        return Page();
    }

    public IActionResult OnPostRevoke(string tokenId)
    {
        TempData["Message"] = store.RevokeToken(tokenId) ? "Token revoked." : "There is no such token.";
        return Redirect("/settings/tokens");
    }
}
