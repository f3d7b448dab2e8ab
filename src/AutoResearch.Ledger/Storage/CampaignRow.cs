namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_campaigns</c>: one row per campaign; the spec as JSON.</summary>
public sealed class CampaignRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string State { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    public string? Reason { get; set; }
    public string SpecJson { get; set; } = "{}";
}
