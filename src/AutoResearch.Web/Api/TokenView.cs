using AutoResearch.Web.Security;

namespace AutoResearch.Web.Api;

/// <summary>An API token as lists show it: its role (scope), expiry and creator; never the token, never its hash.</summary>
public sealed record TokenView(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, ConsoleRole Role, DateTimeOffset? ExpiresAt, bool Expired, string? CreatedBy)
{
    public static TokenView From(ApiTokenRecord record, DateTimeOffset now) =>
        new(record.Id, record.Name, record.Prefix + "…", record.CreatedAt, record.Role, record.ExpiresAt, record.IsExpired(now), record.CreatedBy);
}
