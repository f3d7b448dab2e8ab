namespace AutoResearch.Web.Campaigns;

/// <summary>The campaign-wide budget in force and what was used (0 budget: no limit).</summary>
public sealed record BudgetView(long Tokens, double CpuSeconds, double GpuSeconds, long TokensUsed, double CpuSecondsUsed, double GpuSecondsUsed);
