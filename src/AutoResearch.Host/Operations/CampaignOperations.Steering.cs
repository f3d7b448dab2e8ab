using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Host.Operations;

/// <summary>
/// Steering a running campaign (stop one experiment, change its limits, try a configuration next): validated here with
/// per-field problems, queued in the ledger's control queue like pause and budget changes, applied by the campaign's host
/// (<c>CampaignSteering</c>), which records a typed outcome.
/// </summary>
public sealed partial class CampaignOperations
{
    /// <summary>Stops one queued or running experiment (by its number or id); its agent records it as stopped by a person and goes on.</summary>
    public async Task<OperationResult<ControlReply>> StopExperimentAsync(StopExperimentOrder order, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var campaign = await ledger.GetCampaignAsync(order.CampaignId, cancellationToken);
        if (campaign is null) return OperationResult<ControlReply>.Missing();
        var (experiment, problems) = await ExperimentAsync(campaign, order.Experiment, e => e.IsFinished
            ? $"experiment #{e.Sequence} has already finished ({e.Status.ToString().ToLowerInvariant()}); only a queued or running experiment can be stopped"
            : null, cancellationToken);
        return await QueueAsync(campaign, problems, order.Reason, order.RequestedBy, ControlAction.StopExperiment,
            r => r with { AgentId = experiment!.AgentId, ExperimentSequence = experiment.Sequence }, wait, cancellationToken);
    }

    /// <summary>
    /// Approves (<see cref="ApprovalOrder.Approve"/>) or rejects an experiment awaiting approval (the campaign's <c>approval:</c>
    /// thresholds): approved, it is queued for a sandbox slot; rejected, it is recorded as rejected by a person and its agent goes on.
    /// </summary>
    public async Task<OperationResult<ControlReply>> DecideApprovalAsync(ApprovalOrder order, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var campaign = await ledger.GetCampaignAsync(order.CampaignId, cancellationToken);
        if (campaign is null) return OperationResult<ControlReply>.Missing();
        var (experiment, problems) = await ExperimentAsync(campaign, order.Experiment, e => e.Status != ExperimentStatus.AwaitingApproval
            ? $"experiment #{e.Sequence} is not awaiting approval (it is {e.Status.ToString().ToLowerInvariant()}); only an experiment awaiting approval can be {(order.Approve ? "approved" : "rejected")}"
            : null, cancellationToken);
        return await QueueAsync(campaign, problems, order.Reason, order.RequestedBy, order.Approve ? ControlAction.ApproveExperiment : ControlAction.RejectExperiment,
            r => r with { AgentId = experiment!.AgentId, ExperimentSequence = experiment.Sequence }, wait, cancellationToken);
    }

    /// <summary>
    /// Changes the deadline, the most experiments and/or the slots of a running campaign (<see cref="LimitsRules"/>: a deadline
    /// in the past, fewer experiments than already run, slots below 1 are refused here; slots above the fleet's by its host).
    /// </summary>
    public async Task<OperationResult<ControlReply>> SetLimitsAsync(LimitsOrder order, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var campaign = await ledger.GetCampaignAsync(order.CampaignId, cancellationToken);
        if (campaign is null) return OperationResult<ControlReply>.Missing();
        var change = new LimitsChange { Deadline = order.Deadline, MaxExperiments = order.MaxExperiments, Slots = order.Slots };
        var granted = (await ledger.GetExperimentsAsync(campaign.Id, cancellationToken)).Count(e => !e.IsHoldout && !e.IsRejectedProposal());
        var problems = LimitsRules.Problems(change, clock.GetUtcNow(), granted, fleetSlots: null)
            .Select(p => new OperationProblem(p.Field switch
            {
                LimitField.Deadline => OperationField.Deadline,
                LimitField.MaxExperiments => OperationField.MaxExperiments,
                LimitField.Slots => OperationField.Slots,
                _ => OperationField.Limits,
            }, p.Message))
            .ToList();
        return await QueueAsync(campaign, problems, order.Reason, order.RequestedBy, ControlAction.SetLimits, r => r with { Limits = change }, wait, cancellationToken);
    }

    /// <summary>
    /// Queues a person's configuration as the next proposal of an agent (or of any agent still proposing): the values are checked
    /// against the benchmark's parameter space (one problem per parameter); parameters left out keep their defaults.
    /// </summary>
    public async Task<OperationResult<ControlReply>> TryConfigurationAsync(ConfigurationOrder order, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var campaign = await ledger.GetCampaignAsync(order.CampaignId, cancellationToken);
        if (campaign is null) return OperationResult<ControlReply>.Missing();
        var problems = new List<OperationProblem>();
        var agent = string.IsNullOrWhiteSpace(order.AgentId) ? null : order.AgentId.Trim();
        if (agent is not null && campaign.Spec.Agents.All(a => a.Id != agent))
            problems.Add(new OperationProblem(OperationField.Agent, ControlRules.WhyNotControllable(campaign, agent)!));
        var given = (order.Parameters ?? new Dictionary<string, string>())
            .Where(p => !string.IsNullOrWhiteSpace(p.Key))
            .ToDictionary(p => p.Key.Trim(), p => (p.Value ?? "").Trim(), StringComparer.Ordinal);
        if (given.Count == 0)
            problems.Add(new OperationProblem(OperationField.Parameters,
                $"give at least one parameter value (name=value); parameters of {campaign.Spec.Benchmark.Name}: {string.Join(", ", campaign.Spec.Benchmark.Parameters.Select(p => p.Name))}"));
        // A person's values are parsed here, once, against the benchmark's space: the request carries them typed.
        var parameters = ProposalValidator.ParseParameters(campaign.Spec.Benchmark, given, requireAll: false, out var parameterProblems);
        foreach (var problem in parameterProblems)
            problems.Add(new OperationProblem(OperationField.Parameters, problem.Message, problem.Name));
        return await QueueAsync(campaign, problems, order.Reason, order.RequestedBy, ControlAction.TryConfiguration,
            r => r with { AgentId = agent, Parameters = parameters }, wait, cancellationToken);
    }

    /// <summary>
    /// The experiment a steering request is about (its number or id), and the problems with it: none given, no such
    /// experiment, or <paramref name="whyNot"/>'s answer for one in the wrong state.
    /// </summary>
    private async Task<(ExperimentRecord? Experiment, List<OperationProblem> Problems)> ExperimentAsync(
        CampaignRecord campaign, string? text, Func<ExperimentRecord, string?> whyNot, CancellationToken cancellationToken)
    {
        var problems = new List<OperationProblem>();
        var experiment = string.IsNullOrWhiteSpace(text) ? null : await ExperimentLookup.FindAsync(ledger, campaign.Id, text, cancellationToken);
        if (experiment is null)
            problems.Add(new OperationProblem(OperationField.Experiment, string.IsNullOrWhiteSpace(text)
                ? "give the experiment's number (e.g. 12) or id"
                : $"campaign '{campaign.Id}' has no experiment '{text.Trim()}' (give its id or its number, e.g. 12)"));
        else if (whyNot(experiment) is { } problem)
            problems.Add(new OperationProblem(OperationField.Experiment, problem));
        return (experiment, problems);
    }

    /// <summary>
    /// The steering operations' common end: the reason's rule, every problem at once (nothing queued), a campaign that is
    /// over refused, else the request (<paramref name="fill"/> adds its own fields) queued and waited for.
    /// </summary>
    private async Task<OperationResult<ControlReply>> QueueAsync(
        CampaignRecord campaign, List<OperationProblem> problems, string? reason, string requestedBy, ControlAction action,
        Func<ControlRequest, ControlRequest> fill, TimeSpan wait, CancellationToken cancellationToken)
    {
        reason = reason?.Trim() ?? "";
        if (reason.Length > MaxReasonLength) problems.Add(new OperationProblem(OperationField.Reason, $"at most {MaxReasonLength} characters"));
        if (problems.Count > 0) return new OperationResult<ControlReply>(default, OperationFailure.Invalid, problems);
        if (ControlRules.WhyNotControllable(campaign, null) is { } over) return OperationResult<ControlReply>.Refuse(over);
        var request = fill(new ControlRequest
        {
            CampaignId = campaign.Id,
            Action = action,
            Reason = reason,
            RequestedBy = requestedBy,
            RequestedAt = clock.GetUtcNow(),
        });
        return OperationResult<ControlReply>.Done(new ControlReply(await ControlQueue.EnqueueAndWaitAsync(ledger, request, wait, cancellationToken)));
    }
}

/// <summary>Stop one experiment of a campaign: <paramref name="Experiment"/> is its number (<c>12</c>, <c>#12</c>) or id.</summary>
public sealed record StopExperimentOrder(string CampaignId, string? Experiment, string? Reason = null, string RequestedBy = "");

/// <summary>Approve (<paramref name="Approve"/> true) or reject an experiment awaiting approval: <paramref name="Experiment"/> is its number or id.</summary>
public sealed record ApprovalOrder(string CampaignId, string? Experiment, bool Approve, string? Reason = null, string RequestedBy = "");

/// <summary>New limits of a running campaign; a null value stays as it is.</summary>
public sealed record LimitsOrder(string CampaignId, DateTimeOffset? Deadline = null, int? MaxExperiments = null, int? Slots = null, string? Reason = null, string RequestedBy = "");

/// <summary>A person's configuration to try next, for <paramref name="AgentId"/> (null: any agent still proposing).</summary>
public sealed record ConfigurationOrder(string CampaignId, IReadOnlyDictionary<string, string>? Parameters, string? AgentId = null, string? Reason = null, string RequestedBy = "");
