using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Evaluation;

/// <summary>
/// One rule for a campaign status (live from the grains or rebuilt from the ledger) read beside the ledger's
/// <see cref="CampaignFacts"/>: the best, the baseline, the budgets in force, each agent's counts, model and what it has in
/// flight come from the facts, so every view shows the same; what only the live agent knows (its budget account, the step
/// it is at while nothing of it is in the ledger yet) stays.
/// </summary>
public static class CampaignStatusFacts
{
    /// <param name="live">True for a status from the running grains (their budget use and reservations are newer than the ledger's).</param>
    public static CampaignStatus WithFacts(this CampaignStatus status, CampaignFacts facts, bool live)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(facts);
        return status with
        {
            Baseline = facts.Baseline?.Mean,
            BaselineRuns = facts.Baseline?.Runs ?? 0,
            Best = facts.Best?.Value,
            BestExperimentId = facts.Best?.ExperimentId,
            BestConfidence = facts.Best?.Confidence,
            BestRuns = facts.Best?.Runs ?? 0,
            NoiseStdDev = facts.Noise.StdDev,
            Noise = live ? status.Noise : facts.Noise,
            Budget = facts.Budget,
            MaxExperiments = facts.MaxExperiments > 0 ? facts.MaxExperiments : status.MaxExperiments,
            Slots = facts.Slots > 0 ? facts.Slots : status.Slots,
            Running = facts.Running,
            Queued = facts.Queued,
            AwaitingApproval = facts.AwaitingApproval,
            AwaitingApprovalSince = facts.AwaitingApprovalSince,
            Agents = status.Agents.Select(a => facts.Agent(a.Id) is { } f ? a.WithFacts(f, status.State, live) : a.InCampaign(status.State)).ToList(),
        };
    }

    /// <summary>An agent's status with its ledger facts (see <see cref="WithFacts(CampaignStatus, CampaignFacts, bool)"/>), as its campaign shows it.</summary>
    public static AgentStatus WithFacts(this AgentStatus agent, AgentFacts facts, CampaignState campaign, bool live)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(facts);
        var a = agent with
        {
            Model = facts.Model,
            ModelProblem = facts.ModelProblem,
            Experiments = facts.Experiments,
            Succeeded = facts.Succeeded,
            Pruned = facts.Pruned,
            Rejections = facts.Rejections,
            RejectionsUsedUp = agent.RejectionsUsedUp || facts.RejectionsUsedUp,
            Best = facts.Best,
            TokenBudget = facts.Budget.Tokens,
            CpuBudgetSeconds = facts.Budget.CpuSeconds,
            GpuBudgetSeconds = facts.Budget.GpuSeconds,
            InFlight = facts.InFlight,
            TokensUsed = live ? Math.Max(agent.TokensUsed, facts.Used.Tokens) : facts.Used.Tokens,
            CpuSecondsUsed = live ? Math.Max(agent.CpuSecondsUsed, facts.Used.CpuSeconds) : facts.Used.CpuSeconds,
            GpuSecondsUsed = live ? Math.Max(agent.GpuSecondsUsed, facts.Used.GpuSeconds) : facts.Used.GpuSeconds,
        };
        var ended = campaign is CampaignState.Completed or CampaignState.Stopped or CampaignState.Failed;
        if (!ended && agent.State is AgentState.Running or AgentState.Idle && facts.LedgerActivity is { } doing)
        {
            // The ledger has its experiments running or queued: that is what it does, whatever its last report said. (A paused
            // agent keeps its paused line, so applying the facts twice changes nothing.)
            a = a with { State = AgentState.Running, Activity = doing, ActivitySequence = null };
        }
        else if (ended && agent.State is AgentState.Running or AgentState.Idle)
        {
            // The campaign is over, so is the agent (the ledger does not keep why an agent stopped; its live report says it).
            a = a with
            {
                State = campaign == CampaignState.Stopped ? AgentState.Stopped : AgentState.Done,
                Activity = $"campaign {campaign.ToString().ToLowerInvariant()}",
                ActivitySequence = null,
            };
        }
        else if (agent.ActivitySequence is not null && agent.State is AgentState.Running or AgentState.Idle)
        {
            // Its last report was about an experiment the ledger no longer has in flight: that line is over.
            a = a with { Activity = "between experiments", ActivitySequence = null };
        }
        // While the campaign is paused every agent reads as paused with what the ledger has in flight (a live status was
        // already read that way by the grain, with the in-flight count of the agent's last report).
        if (campaign == CampaignState.Paused && a.State == AgentState.Paused) a = a with { State = AgentState.Running };
        return a.InCampaign(campaign);
    }
}
