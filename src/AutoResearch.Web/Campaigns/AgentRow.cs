namespace AutoResearch.Web.Campaigns;

/// <summary>One agent of the new-campaign form. A row without a role is ignored.</summary>
public sealed class AgentRow
{
    /// <summary>Role name (a file of the agents folder).</summary>
    public string? Role { get; set; }

    /// <summary>Agent id; default <c>&lt;role&gt;-&lt;n&gt;</c>.</summary>
    public string? Id { get; set; }

    /// <summary>Model endpoint for model-driven roles (overrides the role's).</summary>
    public string? Model { get; set; }

    /// <summary>Comma-separated endpoints to fall back to, in order.</summary>
    public string? Failover { get; set; }

    public long? Tokens { get; set; }
    public double? CpuHours { get; set; }
    public double? GpuHours { get; set; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Role) && string.IsNullOrWhiteSpace(Id) && string.IsNullOrWhiteSpace(Model);
}
