namespace AutoResearch.Web.Security;

/// <summary>A person who signs in to the console by name and password (the admin password signs in as <see cref="ConsoleAuth.AdminName"/>).</summary>
public sealed record ConsoleUser
{
    public required string Name { get; init; }
    public required ConsoleRole Role { get; init; }

    /// <summary>PBKDF2 hash (<see cref="PasswordHash"/>), never the password.</summary>
    public required string PasswordHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the password was last set: sign-ins from before it no longer count (whichever process changed it).</summary>
    public DateTimeOffset? PasswordSetAt { get; init; }

    /// <summary>Who made the user (a user's name, or <c>cli</c>).</summary>
    public string? CreatedBy { get; init; }
}
