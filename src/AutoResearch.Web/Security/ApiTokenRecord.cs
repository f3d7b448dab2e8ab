namespace AutoResearch.Web.Security;

/// <summary>An API token as stored: its SHA-256 hash, never the token itself.</summary>
public sealed record ApiTokenRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Hex SHA-256 of the token.</summary>
    public required string Hash { get; init; }

    /// <summary>The token's first characters, to tell tokens apart in lists.</summary>
    public required string Prefix { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>What calls with the token may do (never more than its creator could); tokens made before roles existed are admins.</summary>
    public ConsoleRole Role { get; init; } = ConsoleRole.Admin;

    /// <summary>After this the token answers 401; null: it does not expire (tokens made before expiry existed).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Who made it (a user's name, <c>token:&lt;name&gt;</c>, or <c>cli</c>); non-admins see and revoke only their own.</summary>
    public string? CreatedBy { get; init; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && now >= at;
}
