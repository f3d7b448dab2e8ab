using Microsoft.AspNetCore.Authorization;

namespace AutoResearch.Web.Security;

/// <summary>One authorization policy per role: signed in (cookie or token) with that role or a higher one.</summary>
public static class ConsolePolicies
{
    /// <summary>The policy's name for <paramref name="role"/> (<c>role:researcher</c>).</summary>
    public static string For(ConsoleRole role) => "role:" + role.Name();

    public static AuthorizationBuilder AddRolePolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in ConsoleRoles.All)
            builder.AddPolicy(For(role), policy => policy.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser().RequireRole(ConsoleRoles.AtLeast(role)));
        return builder;
    }
}
