using AutoResearch.Web.Campaigns;
using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AutoResearch.Web.Pages.Settings;

/// <summary>The admin's page of users: add one (name, password, role), change a role or password, remove one.</summary>
public sealed class UsersModel(CredentialStore store, AccessOperations access) : PageModel
{
    public IReadOnlyList<ConsoleUser> Users { get; private set; } = [];

    public FormProblems Problems { get; private set; } = new();

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Role { get; set; }

    /// <summary>True when the form adds a user, false when it changes one.</summary>
    [BindProperty] public bool Create { get; set; }

    public void OnGet() => Users = [.. store.Users.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];

    public IActionResult OnPostSave()
    {
        var saved = access.SaveUser(HttpContext, Name, Password, Role, Create);
        if (saved.Ok)
        {
            TempData[Flash.MessageKey] = Create ? $"User '{saved.Value!.Name}' added as {saved.Value.Role.Name()}." : $"User '{saved.Value!.Name}' is now {saved.Value.Role.Name()}.";
            return Redirect("/settings/users");
        }
        if (saved.NotFound) Problems.Add("", $"There is no user '{Name}'.");
        else if (saved.Conflict is { } why) Problems.Add("Name", why);
        else Problems = saved.Problems!;
        Response.StatusCode = saved.NotFound ? StatusCodes.Status404NotFound : saved.Conflict is not null ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        Password = null;
        OnGet();
        return Page();
    }

    public IActionResult OnPostRemove(string name)
    {
        if (access.RemoveUser(HttpContext, name)) TempData[Flash.MessageKey] = $"User '{name}' removed; their sessions have ended.";
        else Flash.Error(TempData, $"There is no user '{name}'.");
        return Redirect("/settings/users");
    }
}
