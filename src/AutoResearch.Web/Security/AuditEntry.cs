namespace AutoResearch.Web.Security;

/// <summary>
/// One change made through the console, as the audit log keeps it: who (a user's name, <c>token:&lt;name&gt;</c>, or
/// <c>anonymous</c>), how they were signed in, what (method and route, or an operation such as <c>sign-in</c>), which campaign,
/// the answer's status and the caller's address. Never a password, a token or a request body.
/// </summary>
public sealed record AuditEntry
{
    public required DateTimeOffset At { get; init; }
    public required string Actor { get; init; }

    /// <summary>The role the actor had (null when not signed in).</summary>
    public string? Role { get; init; }

    /// <summary><c>cookie</c>, <c>token</c>, or empty when not signed in.</summary>
    public string Via { get; init; } = "";

    /// <summary>Method and route pattern (<c>POST /api/campaigns/{id}/controls</c>), or an operation (<c>sign-in</c>).</summary>
    public required string Action { get; init; }

    public string? Campaign { get; init; }

    /// <summary>What the change was about beyond the route, in a few words (<c>user bob as researcher</c>), never a secret.</summary>
    public string? Detail { get; init; }

    public required int Status { get; init; }
    public string? Remote { get; init; }
}
