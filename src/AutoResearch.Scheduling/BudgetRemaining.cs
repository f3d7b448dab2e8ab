namespace AutoResearch.Scheduling;

/// <summary>
/// What a <see cref="BudgetAccount"/> can still admit per resource: the budget less what is used and reserved, never below
/// zero. Null means the resource has no limit.
/// </summary>
public sealed record BudgetRemaining(long? Tokens, double? GpuSeconds, double? CpuSeconds);
