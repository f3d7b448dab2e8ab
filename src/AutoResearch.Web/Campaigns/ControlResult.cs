namespace AutoResearch.Web.Campaigns;

/// <summary>What became of a control request: applied (with the host's outcome), refused by the host, or still queued.</summary>
public sealed record ControlResult(long Id, string Action, string? Agent, string Status, string? Outcome);
