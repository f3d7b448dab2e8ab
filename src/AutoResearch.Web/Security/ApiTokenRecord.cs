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
}
