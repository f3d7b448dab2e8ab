using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>The campaign's and each agent's budget after the budget changes applied while it ran (from the ledger's control requests).</summary>
public sealed record EffectiveBudgets(BudgetSpec Campaign, IReadOnlyDictionary<string, BudgetSpec> Agents, IReadOnlyList<string> Changes)
{
    /// <summary>The budgets in force as <see cref="AutoResearch.Evaluation.CampaignFacts.BudgetsInForce"/> computes them (one rule for every view), with each change in words.</summary>
    public static EffectiveBudgets From(CampaignSpec spec, IReadOnlyList<ControlRequest> controls)
    {
        var (campaign, agents, changes) = AutoResearch.Evaluation.CampaignFacts.BudgetsInForce(spec, controls);
        return From(campaign, agents, changes);
    }

    /// <summary>The budgets in force a campaign's facts hold (its campaign budget, each agent's, the changes applied), with each change in words.</summary>
    public static EffectiveBudgets From(AutoResearch.Evaluation.CampaignFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return From(facts.Budget, facts.Agents.ToDictionary(a => a.Id, a => a.Budget, StringComparer.Ordinal), facts.BudgetChanges);
    }

    private static EffectiveBudgets From(BudgetSpec campaign, IReadOnlyDictionary<string, BudgetSpec> agents, IReadOnlyList<AutoResearch.Evaluation.BudgetChangeFact> changes)
    {
        var text = changes.Select(c =>
        {
            var by = string.IsNullOrWhiteSpace(c.RequestedBy) ? "" : " by " + c.RequestedBy;
            var why = string.IsNullOrWhiteSpace(c.Reason) ? "" : ": " + c.Reason;
            var at = c.At.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            var whose = c.AgentId is { } agentId ? agentId + "'s budget" : "campaign budget";
            return $"{at}: {whose} {Describe(c.Before)} → {Describe(c.After)}{by}{why}";
        }).ToList();
        return new EffectiveBudgets(campaign, agents, text);
    }

    private static string Describe(BudgetSpec b) =>
        $"tokens {(b.Tokens > 0 ? ReportFormat.Tokens(b.Tokens) : "unlimited")}, CPU s {(b.CpuSeconds > 0 ? ReportFormat.Seconds(b.CpuSeconds) : "unlimited")}, " +
        $"GPU s {(b.GpuSeconds > 0 ? ReportFormat.Seconds(b.GpuSeconds) : "unlimited")}";
}
