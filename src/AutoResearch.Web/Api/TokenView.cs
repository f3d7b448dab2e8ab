using AutoResearch.Web.Security;

namespace AutoResearch.Web.Api;

/// <summary>An API token as lists show it: never the token, never its hash.</summary>
public sealed record TokenView(string Id, string Name, string Prefix, DateTimeOffset CreatedAt)
{
    public static TokenView From(ApiTokenRecord record) => new(record.Id, record.Name, record.Prefix + "…", record.CreatedAt);
}
