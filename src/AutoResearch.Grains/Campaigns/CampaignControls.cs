using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// Applies a control request to a campaign (pause, resume, stop, budget) or passes it to one of its agents, and says what
/// came of it as a typed <see cref="ControlOutcome"/>; every change is journaled.
/// </summary>
public sealed class CampaignControls(CampaignSession s)
{
    private readonly CampaignSteering _steering = new(s);

    public async Task<ControlOutcome> ApplyAsync(ControlRequest request)
    {
        if (s.State.Spec is null) return ControlOutcome.Refused("the campaign was never started");
        // Ended (completed, stopped, failed) while the request waited in the queue: nothing is changed any more.
        if (!s.IsLive) return ControlOutcome.NoOp($"the campaign is {s.State.State.ToString().ToLowerInvariant()}");
        // Stop one experiment, new limits, a person's configuration: the steering rules (an agent's request included).
        if (CampaignSteering.Handles(request.Action))
            return await _steering.ApplyAsync(request);
        var spec = s.Spec;
        var state = s.State;
        var by = string.IsNullOrWhiteSpace(request.RequestedBy) ? "" : $" by {request.RequestedBy}";
        var why = string.IsNullOrWhiteSpace(request.Reason) ? "" : $": {request.Reason}";
        if (request.AgentId is { } agentId)
        {
            if (spec.Agents.All(a => a.Id != agentId))
                return ControlOutcome.Refused($"the campaign has no agent '{agentId}' (agents: {string.Join(", ", spec.Agents.Select(a => a.Id))})");
            if (!s.IsLive)
                return ControlOutcome.Refused($"the campaign is {state.State.ToString().ToLowerInvariant()}");
            state.Agents[agentId] = await s.Host.ControlAgentAsync(agentId, request);
            await s.Host.SaveStateAsync();
            return ControlOutcome.Applied($"applied to agent {agentId}: {BudgetText.Describe(request)}");
        }

        switch (request.Action)
        {
            case ControlAction.Pause when state.State == CampaignState.Running:
                state.State = CampaignState.Paused;
                await s.Host.SaveStateAsync();
                await s.SaveCampaignRecordAsync();
                await s.AppendAsync($"Campaign paused{by}{why}. Running experiments finish; nothing new starts until it is resumed.");
                s.Logger.LogInformation("Campaign {CampaignId} paused", s.CampaignId);
                return ControlOutcome.Applied("paused");
            case ControlAction.Resume when state.State == CampaignState.Paused:
                state.State = CampaignState.Running;
                state.Reason = null;
                await s.Host.SaveStateAsync();
                await s.SaveCampaignRecordAsync();
                await s.AppendAsync($"Campaign resumed{by}{why}.");
                s.Logger.LogInformation("Campaign {CampaignId} resumed", s.CampaignId);
                await s.Host.StartAgentsAsync();
                return ControlOutcome.Applied("resumed");
            case ControlAction.Stop when s.IsLive:
                var reason = string.IsNullOrWhiteSpace(request.Reason) ? $"stopped{by}" : request.Reason;
                // The report waits until the running experiments have finished (ReportFinished), so it has them all.
                await s.Host.FinishAsync(CampaignState.Stopped, reason, writeReport: false);
                s.ReportPending = true;
                await s.Host.StopAgentsAsync();
                return ControlOutcome.Applied("stopped");
            case ControlAction.SetBudget when request.Budget is { IsEmpty: false } change:
                var before = s.EffectiveBudget;
                state.Budget = before.With(change);
                s.Budget.SetBudget(state.Budget);
                await s.Host.SaveStateAsync();
                await s.AppendAsync($"Campaign budget changed{by}{why}: {BudgetText.Describe(before)} → {BudgetText.Describe(state.Budget)}.");
                if (s.IsLive)
                    await s.Host.StartAgentsAsync();
                return ControlOutcome.Applied($"budget {BudgetText.Describe(state.Budget)}");
            case ControlAction.SetBudget:
                return ControlOutcome.Refused("no budget value given");
            default:
                return ControlOutcome.NoOp($"the campaign is {state.State.ToString().ToLowerInvariant()}");
        }
    }
}
