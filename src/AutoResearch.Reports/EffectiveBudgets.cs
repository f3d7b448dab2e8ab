using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>The campaign's and each agent's budget after the budget changes applied while it ran (from the ledger's control requests).</summary>
public sealed record EffectiveBudgets(BudgetSpec Campaign, IReadOnlyDictionary<string, BudgetSpec> Agents, IReadOnlyList<string> Changes)
{
    public static EffectiveBudgets From(CampaignSpec spec, IReadOnlyList<ControlRequest> controls)
    {
        var campaign = spec.Budget;
        var agents = spec.Agents.ToDictionary(a => a.Id, a => a.Budget, StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var c in controls.Where(c => c.Action == ControlAction.SetBudget && c.TookEffect && c.Budget is { IsEmpty: false }).OrderBy(c => c.Id))
        {
            var by = string.IsNullOrWhiteSpace(c.RequestedBy) ? "" : " by " + c.RequestedBy;
            var why = string.IsNullOrWhiteSpace(c.Reason) ? "" : ": " + c.Reason;
            var at = c.AppliedAt!.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            if (c.AgentId is { } agentId)
            {
                if (!agents.TryGetValue(agentId, out var before)) continue;
                agents[agentId] = before.With(c.Budget);
                changes.Add($"{at}: {agentId}'s budget {Describe(before)} → {Describe(agents[agentId])}{by}{why}");
            }
            else
            {
                var before = campaign;
                campaign = campaign.With(c.Budget);
                changes.Add($"{at}: campaign budget {Describe(before)} → {Describe(campaign)}{by}{why}");
            }
        }

        return new EffectiveBudgets(campaign, agents, changes);
    }

    private static string Describe(BudgetSpec b) =>
        $"tokens {(b.Tokens > 0 ? ReportFormat.Tokens(b.Tokens) : "unlimited")}, CPU s {(b.CpuSeconds > 0 ? ReportFormat.Seconds(b.CpuSeconds) : "unlimited")}, " +
        $"GPU s {(b.GpuSeconds > 0 ? ReportFormat.Seconds(b.GpuSeconds) : "unlimited")}";
}
