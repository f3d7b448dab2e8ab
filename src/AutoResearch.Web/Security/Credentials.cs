namespace AutoResearch.Web.Security;

/// <summary>What <see cref="CredentialStore"/> keeps on disk: hashes only.</summary>
public sealed record Credentials
{
    public string? AdminPasswordHash { get; init; }
    public List<ApiTokenRecord> Tokens { get; init; } = [];
    public List<ConsoleUser> Users { get; init; } = [];
}
