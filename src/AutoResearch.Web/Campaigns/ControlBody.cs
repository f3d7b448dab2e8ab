namespace AutoResearch.Web.Campaigns;

/// <summary>
/// A control request: <c>pause</c>, <c>resume</c>, <c>stop</c> or <c>budget</c> for the campaign or one agent. For
/// <c>budget</c>, the new limits (0 removes one; empty leaves it as it is), or with <see cref="TopUp"/> the amounts to add
/// to the limits in force.
/// </summary>
public sealed record ControlBody(string? Action, string? Agent, string? Reason, long? Tokens, double? CpuSeconds, double? GpuSeconds, bool TopUp = false);
