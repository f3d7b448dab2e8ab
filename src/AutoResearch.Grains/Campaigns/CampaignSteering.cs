using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// A person's steering of a running campaign, applied through the control queue like pause and budget changes: stop one
/// experiment (its agent stops the sandbox and records it), change the deadline, most experiments or slots (in force at once
/// for tickets and slots), and queue a configuration as an agent's next proposal. Each answer is a typed <see cref="ControlOutcome"/>.
/// </summary>
public sealed class CampaignSteering(CampaignSession s)
{
    public static bool Handles(ControlAction action) =>
        action is ControlAction.StopExperiment or ControlAction.SetLimits or ControlAction.TryConfiguration or ControlAction.ApproveExperiment or ControlAction.RejectExperiment;

    public async Task<ControlOutcome> ApplyAsync(ControlRequest request)
    {
        if (!s.IsLive)
            return ControlOutcome.Refused($"the campaign is {s.State.State.ToString().ToLowerInvariant()}");
        return request.Action switch
        {
            ControlAction.StopExperiment => await StopExperimentAsync(request),
            ControlAction.SetLimits => await SetLimitsAsync(request),
            ControlAction.TryConfiguration => await TryConfigurationAsync(request),
            ControlAction.ApproveExperiment or ControlAction.RejectExperiment => await DecideApprovalAsync(request),
            _ => ControlOutcome.NoOp($"{request.Action} is no steering action"),
        };
    }

    private async Task<ControlOutcome> StopExperimentAsync(ControlRequest request)
    {
        if (request.ExperimentSequence is not { } sequence)
            return ControlOutcome.Refused("experiment: no experiment number given");
        var experiment = await s.Ledger.GetExperimentAsync(ExperimentIds.For(s.CampaignId, sequence));
        if (experiment is null)
            return ControlOutcome.Refused($"experiment: the campaign has no experiment #{sequence}");
        if (experiment.IsFinished)
            return ControlOutcome.NoOp($"experiment #{sequence} has already finished ({experiment.Status.ToString().ToLowerInvariant()})");
        if (s.Spec.Agents.All(a => a.Id != experiment.AgentId))
            return ControlOutcome.Refused($"experiment: #{sequence} belongs to no agent of the campaign");
        await s.Host.ControlAgentAsync(experiment.AgentId, request with { AgentId = experiment.AgentId });
        await s.AppendAsync($"Stop of experiment #{sequence} requested{By(request)}{Why(request)}; agent {experiment.AgentId} stops its sandbox and goes on with its next proposal.", experiment.Id);
        s.Logger.LogInformation("Campaign {CampaignId}: stop of experiment #{Sequence} sent to agent {AgentId}", s.CampaignId, sequence, experiment.AgentId);
        return ControlOutcome.Applied($"experiment #{sequence} is being stopped by agent {experiment.AgentId}");
    }

    /// <summary>A person's approval or rejection of an experiment awaiting approval, passed to its agent (whose worker waits for it).</summary>
    private async Task<ControlOutcome> DecideApprovalAsync(ControlRequest request)
    {
        var approve = request.Action == ControlAction.ApproveExperiment;
        if (request.ExperimentSequence is not { } sequence)
            return ControlOutcome.Refused("experiment: no experiment number given");
        var experiment = await s.Ledger.GetExperimentAsync(ExperimentIds.For(s.CampaignId, sequence));
        if (experiment is null)
            return ControlOutcome.Refused($"experiment: the campaign has no experiment #{sequence}");
        if (experiment.Status != ExperimentStatus.AwaitingApproval)
            return ControlOutcome.NoOp($"experiment #{sequence} is not awaiting approval (it is {experiment.Status.ToString().ToLowerInvariant()})");
        if (s.Spec.Agents.All(a => a.Id != experiment.AgentId))
            return ControlOutcome.Refused($"experiment: #{sequence} belongs to no agent of the campaign");
        await s.Host.ControlAgentAsync(experiment.AgentId, request with { AgentId = experiment.AgentId });
        var verb = approve ? "approved" : "rejected";
        await s.AppendAsync($"Experiment #{sequence} {verb}{By(request)}{Why(request)}; " +
            (approve ? $"agent {experiment.AgentId} queues it for a sandbox slot." : $"agent {experiment.AgentId} records it as rejected and goes on."), experiment.Id);
        s.Logger.LogInformation("Campaign {CampaignId}: experiment #{Sequence} {Verb}", s.CampaignId, sequence, verb);
        return ControlOutcome.Applied(approve ? $"experiment #{sequence} approved: it runs when a slot is free" : $"experiment #{sequence} rejected");
    }

    private async Task<ControlOutcome> SetLimitsAsync(ControlRequest request)
    {
        var problems = LimitsRules.Problems(request.Limits, s.Clock.GetUtcNow(), s.Launched, Math.Max(1, s.Host.FleetSlots));
        if (problems.Count > 0)
            return ControlOutcome.Refused(string.Join("; ", problems.Select(p => p.Message)));
        var change = request.Limits!;
        var state = s.State;
        var changes = new List<string>();
        if (change.Deadline is { } deadline && deadline != state.Deadline)
        {
            changes.Add($"deadline {Format(state.Deadline)} → {Format(deadline)}");
            state.Deadline = deadline;
        }
        if (change.MaxExperiments is { } max && max != s.MaxExperiments)
        {
            changes.Add($"max_experiments {s.MaxExperiments} → {max}");
            state.MaxExperiments = max;
        }
        if (change.Slots is { } slots && slots != s.Slots)
        {
            var before = s.Slots;
            state.Slots = slots;
            changes.Add($"slots {before} → {s.Slots}");
        }
        if (changes.Count == 0)
            return ControlOutcome.NoOp("the limits are already these");
        await s.Host.SaveStateAsync();
        await s.SaveCampaignRecordAsync();
        await s.AppendAsync($"Campaign limits changed{By(request)}{Why(request)}: {string.Join(", ", changes)}.");
        s.Logger.LogInformation("Campaign {CampaignId} limits changed: {Changes}", s.CampaignId, string.Join(", ", changes));
        // New slot counts and workers for the agents, and agents waiting for a ticket ask again.
        await s.Host.StartAgentsAsync();
        return ControlOutcome.Applied(string.Join(", ", changes));
    }

    private async Task<ControlOutcome> TryConfigurationAsync(ControlRequest request)
    {
        if (request.Parameters is not { Count: > 0 } parameters)
            return ControlOutcome.Refused("parameters: no parameter values given");
        var problems = ProposalValidator.ParameterProblems(s.Spec.Benchmark, parameters, requireAll: false);
        if (problems.Count > 0)
            return ControlOutcome.Refused("parameters: " + string.Join("; ", problems.Select(p => p.Message)));
        string agentId;
        if (request.AgentId is { } chosen)
        {
            if (s.Spec.Agents.All(a => a.Id != chosen))
                return ControlOutcome.Refused($"agent: the campaign has no agent '{chosen}' (agents: {string.Join(", ", s.Spec.Agents.Select(a => a.Id))})");
            if (s.State.Agents.GetValueOrDefault(chosen) is { State: AgentState.Done or AgentState.Stopped } over)
                return ControlOutcome.Refused($"agent: {chosen} is {over.State.ToString().ToLowerInvariant()} and proposes nothing more");
            agentId = chosen;
        }
        else if (PickAgent() is { } picked)
            agentId = picked;
        else
            return ControlOutcome.Refused("agent: every agent has finished; none proposes anything more");

        await s.Host.ControlAgentAsync(agentId, request with { AgentId = agentId });
        var values = string.Join(", ", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        await s.AppendAsync($"Configuration queued{By(request)} as agent {agentId}'s next proposal: {values}{Why(request)}.");
        return ControlOutcome.Applied($"queued as agent {agentId}'s next proposal");
    }

    /// <summary>"Any agent": the heaviest agent still proposing, a running one before a paused one (spec order on ties).</summary>
    private string? PickAgent() =>
        s.Spec.Agents
            .Select((a, i) => (Agent: a, Index: i, State: s.State.Agents.GetValueOrDefault(a.Id)?.State ?? AgentState.Idle))
            .Where(a => a.State is not (AgentState.Done or AgentState.Stopped))
            .OrderBy(a => a.State == AgentState.Paused ? 1 : 0)
            .ThenByDescending(a => a.Agent.Weight)
            .ThenBy(a => a.Index)
            .Select(a => a.Agent.Id)
            .FirstOrDefault();

    private static string By(ControlRequest r) => string.IsNullOrWhiteSpace(r.RequestedBy) ? "" : $" by {r.RequestedBy}";

    private static string Why(ControlRequest r) => string.IsNullOrWhiteSpace(r.Reason) ? "" : $" ({r.Reason})";

    private static string Format(DateTimeOffset? at) =>
        at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "none";
}
