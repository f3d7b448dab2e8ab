using System.Security.Claims;
using System.Text.Json.Serialization;

namespace AutoResearch.Web.Security;

/// <summary>
/// What a person or token may do in the console, each role including the ones below it: a viewer reads everything and
/// changes nothing; a researcher also starts campaigns and steers, controls and annotates them; an admin also manages users,
/// every token and reads the audit log.
/// </summary>
[JsonConverter(typeof(ConsoleRoleJsonConverter))]
public enum ConsoleRole
{
    Viewer = 0,
    Researcher = 1,
    Admin = 2,
}

/// <summary>The role as a claim and as people type it.</summary>
public static class ConsoleRoles
{
    public static readonly IReadOnlyList<ConsoleRole> All = [ConsoleRole.Viewer, ConsoleRole.Researcher, ConsoleRole.Admin];

    /// <summary>The role's name in claims, forms and the API (<c>viewer</c>, <c>researcher</c>, <c>admin</c>).</summary>
    public static string Name(this ConsoleRole role) => role switch
    {
        ConsoleRole.Viewer => "viewer",
        ConsoleRole.Researcher => "researcher",
        ConsoleRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a console role"),
    };

    /// <summary>The role named <paramref name="text"/> (case-insensitive); null when it names none.</summary>
    public static ConsoleRole? Parse(string? text) =>
        All.Cast<ConsoleRole?>().FirstOrDefault(r => string.Equals(r!.Value.Name(), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The roles that satisfy a requirement of <paramref name="role"/> (it and every higher one).</summary>
    public static string[] AtLeast(ConsoleRole role) => [.. All.Where(r => r >= role).Select(Name)];

    /// <summary>The signed-in principal's role; null when it has none (not signed in).</summary>
    public static ConsoleRole? Of(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? Parse(user.FindFirst(ClaimTypes.Role)?.Value) : null;

    public static string Expected => string.Join(", ", All.Select(Name));
}

/// <summary>Roles in JSON as their names (<c>"researcher"</c>), never numbers.</summary>
public sealed class ConsoleRoleJsonConverter() : JsonStringEnumConverter<ConsoleRole>(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false);
