namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// The report's model-written advice as the ledger meters it: calls under one agent id and purpose, whose tokens are charged to
/// the campaign's token budget (one place for the advisor that makes the calls, the campaign that charges them and the views).
/// </summary>
public static class ReportAdvice
{
    /// <summary>The agent id model calls for report advice are recorded under.</summary>
    public const string AgentId = "report";

    /// <summary>The purpose those calls are recorded with (the code of <see cref="ModelCallPurpose.ReportAdvice"/>).</summary>
    public const string Purpose = "report-advice";

    /// <summary>Whether a metered model call was made for a report's advice.</summary>
    public static bool IsAdvice(ModelCallRecord call) => call.AgentId == AgentId && call.PurposeKind == ModelCallPurpose.ReportAdvice;

    /// <summary>Tokens all report-advice calls of a campaign cost (as the servers reported them).</summary>
    public static long Tokens(IEnumerable<ModelCallRecord> calls) => calls.Where(IsAdvice).Sum(c => c.TotalTokens);

    /// <summary>
    /// The most tokens the next advice call may use: its own allowance, capped by what the campaign's token budget has left
    /// (<paramref name="campaignTokenBudget"/> 0 = no campaign limit).
    /// </summary>
    public static long Allowance(long adviceAllowance, long campaignTokenBudget, long campaignTokensUsed) =>
        campaignTokenBudget <= 0 ? adviceAllowance : Math.Max(0, Math.Min(adviceAllowance, campaignTokenBudget - campaignTokensUsed));
}
