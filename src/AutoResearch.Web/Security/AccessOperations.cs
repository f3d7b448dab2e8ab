using System.Security.Claims;
using AutoResearch.Web.Campaigns;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// Users and API tokens as the API and the settings pages change them, with one set of rules: a token's role is at most
/// its creator's and it always expires; non-admins see and revoke only their own tokens; user names and passwords are
/// checked the same everywhere. Each change is described for the audit log (never with a password or token).
/// </summary>
public sealed class AccessOperations(CredentialStore store, ConsoleSessions sessions, IOptions<ConsoleOptions> options, TimeProvider clock)
{
    public const int MaxNameLength = 64;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;

    /// <summary>Who the principal is, as tokens record their creator: a user's name, or <c>token:&lt;name&gt;</c>.</summary>
    public static string NameOf(ClaimsPrincipal user) => user.Identity?.Name ?? ConsoleAuth.AdminName;

    /// <summary>The tokens <paramref name="user"/> may see: every one for an admin, else the ones they made.</summary>
    public IReadOnlyList<ApiTokenRecord> TokensFor(ClaimsPrincipal user) =>
        ConsoleRoles.Of(user) == ConsoleRole.Admin ? store.Tokens : [.. store.Tokens.Where(t => t.CreatedBy == NameOf(user))];

    /// <summary>A new token for <paramref name="creator"/>: role at most theirs (default theirs), expiring after <paramref name="days"/> (default <see cref="ConsoleOptions.TokenDays"/>).</summary>
    public OperationOutcome<(ApiTokenRecord Record, string Token)> CreateToken(HttpContext http, string? name, string? role, int? days)
    {
        var creator = http.User;
        var mine = ConsoleRoles.Of(creator) ?? ConsoleRole.Viewer;
        var problems = new FormProblems();
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
            problems.Add("Name", "give the token a name of 1 to 100 printable characters (what uses it)");
        var wanted = mine;
        if (!string.IsNullOrWhiteSpace(role))
        {
            if (ConsoleRoles.Parse(role) is not { } parsed) problems.Add("Role", $"'{role}' is not a role; one of {ConsoleRoles.Expected}");
            else if (parsed > mine) problems.Add("Role", $"a token can do at most what its creator can: {mine.Name()}, not {parsed.Name()}");
            else wanted = parsed;
        }
        var lifetime = days ?? options.Value.TokenDays;
        var expires = clock.GetUtcNow().AddDays(lifetime);
        if (lifetime is < 1 or > ConsoleOptions.MaxTokenDays)
            problems.Add("ExpiresInDays", $"a token lasts 1 to {ConsoleOptions.MaxTokenDays} days, not {lifetime}");
        // A token that makes a token cannot extend its own life through it: by default the new one ends with it.
        else if (creator.FindFirst(ConsoleAuth.TokenIdClaim)?.Value is { } parentId
                 && store.Tokens.FirstOrDefault(t => t.Id == parentId)?.ExpiresAt is { } parentExpires && expires > parentExpires)
        {
            if (days is null) expires = parentExpires;
            else problems.Add("ExpiresInDays", $"a token cannot outlive the token that makes it (which expires {parentExpires:yyyy-MM-dd HH:mm}Z)");
        }
        if (problems.Any) return new(default, problems);
        var made = store.CreateToken(name, wanted, expires, NameOf(creator));
        AuditRecorder.Describe(http, $"token '{name}' ({made.Record.Id}) as {wanted.Name()}, expires {made.Record.ExpiresAt:yyyy-MM-dd HH:mm}Z", "token.create");
        return new(made);
    }

    /// <summary>Revokes a token <paramref name="http"/>'s user may see; not found otherwise.</summary>
    public bool RevokeToken(HttpContext http, string id)
    {
        AuditRecorder.Describe(http, $"token {Clip(id)}", "token.revoke");
        return TokensFor(http.User).Any(t => t.Id == id) && store.RevokeToken(id);
    }

    /// <summary>Adds a user (<paramref name="create"/>) or changes one's role and, when given, password.</summary>
    public OperationOutcome<ConsoleUser> SaveUser(HttpContext http, string? name, string? password, string? role, bool create)
    {
        var problems = new FormProblems();
        name = name?.Trim() ?? "";
        if (NameProblem(name) is { } nameProblem) problems.Add("Name", nameProblem);
        var parsed = ConsoleRoles.Parse(role);
        if (parsed is null) problems.Add("Role", $"'{role}' is not a role; one of {ConsoleRoles.Expected}");
        if (string.IsNullOrEmpty(password))
        {
            if (create) problems.Add("Password", $"give a password of at least {MinPasswordLength} characters");
            password = null;
        }
        else if (password.Length is < MinPasswordLength or > MaxPasswordLength)
            problems.Add("Password", $"a password has {MinPasswordLength} to {MaxPasswordLength} characters");
        if (problems.Any) return new(default, problems);
        var exists = store.FindUser(name) is not null;
        if (create && exists) return new(default, Conflict: $"There is a user '{name}' already; change it instead.");
        if (!create && !exists) return OperationOutcome<ConsoleUser>.Missing();
        var saved = store.SaveUser(name, parsed!.Value, password, NameOf(http.User))!.Value;
        // A new password ends the user's sessions; a new role counts at once anyway (each request reads it).
        if (!create && password is not null) sessions.CloseFor(saved.User.Name);
        AuditRecorder.Describe(http, $"user '{saved.User.Name}' as {saved.User.Role.Name()}{(password is not null && !create ? ", new password" : "")}", create ? "user.create" : "user.change");
        return new(saved.User);
    }

    /// <summary>Removes a user and ends their sessions.</summary>
    public bool RemoveUser(HttpContext http, string name)
    {
        AuditRecorder.Describe(http, $"user '{Clip(name)}'", "user.remove");
        if (store.FindUser(name) is not { } user || !store.RemoveUser(user.Name)) return false;
        sessions.CloseFor(user.Name);
        return true;
    }

    /// <summary>What is wrong with a new user's name; null when nothing.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length is 0 or > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
            return $"a name has 1 to {MaxNameLength} letters, digits, '.', '_', '-' or '@'";
        if (string.Equals(name, ConsoleAuth.AdminName, StringComparison.OrdinalIgnoreCase))
            return $"'{ConsoleAuth.AdminName}' is the built-in admin (signed in with the admin password)";
        return null;
    }

    private static string Clip(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
