using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Host.Operations;

/// <summary>When a pause, resume, stop or budget change may be queued (the CLI and the console apply the same rules).</summary>
public static class ControlRules
{
    /// <summary>Why the budget change is not one; null when it is.</summary>
    public static string? WhyNotBudget(BudgetChange? budget)
    {
        if (budget is null || budget.IsEmpty)
            return "give at least one of tokens, CPU-seconds, GPU-seconds";
        if (budget.Tokens < 0 || budget.CpuSeconds < 0 || budget.GpuSeconds < 0)
            return "values must be 0 (no limit) or positive";
        if (budget.CpuSeconds is { } c && !double.IsFinite(c) || budget.GpuSeconds is { } g && !double.IsFinite(g))
            return "values must be finite numbers";
        return null;
    }

    /// <summary>Why the campaign cannot take a control request for <paramref name="agentId"/> (null: the campaign); null when it can.</summary>
    public static string? WhyNotControllable(CampaignRecord campaign, string? agentId)
    {
        if (agentId is not null && campaign.Spec.Agents.All(a => a.Id != agentId))
            return $"Campaign '{campaign.Id}' has no agent '{agentId}'; its agents: {string.Join(", ", campaign.Spec.Agents.Select(a => a.Id))}.";
        if (campaign.State is CampaignState.Completed or CampaignState.Stopped or CampaignState.Failed)
            return $"Campaign '{campaign.Id}' is {campaign.State.ToString().ToLowerInvariant()}; there is nothing left to control.";
        return null;
    }

    /// <summary>Whether an applied request was refused (its recorded kind).</summary>
    public static bool IsRefused(ControlRequest applied) => applied.IsRefused;
}
