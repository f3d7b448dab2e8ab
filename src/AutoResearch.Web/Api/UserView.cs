using AutoResearch.Web.Security;

namespace AutoResearch.Web.Api;

/// <summary>A console user as lists show it (never the password hash).</summary>
public sealed record UserView(string Name, ConsoleRole Role, DateTimeOffset CreatedAt, string? CreatedBy)
{
    public static UserView From(ConsoleUser user) => new(user.Name, user.Role, user.CreatedAt, user.CreatedBy);
}
