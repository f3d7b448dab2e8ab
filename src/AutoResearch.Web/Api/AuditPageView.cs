using AutoResearch.Web.Security;

namespace AutoResearch.Web.Api;

/// <summary>A page of the audit log, newest first; <see cref="Total"/> counts every entry kept.</summary>
public sealed record AuditPageView(int Total, int Offset, int Limit, IReadOnlyList<AuditEntry> Entries)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
}
