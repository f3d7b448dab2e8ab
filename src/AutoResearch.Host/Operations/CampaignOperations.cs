using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Reports;

namespace AutoResearch.Host.Operations;

/// <summary>
/// The operations a person runs on a campaign that is already in the ledger — pause, resume, stop, budget set and top-up,
/// note — with their rules, in one place for the CLI, the HTTP API and the console pages. Each front end only parses its
/// input and shows the <see cref="OperationResult{T}"/>.
/// </summary>
public sealed partial class CampaignOperations(ILedger ledger, IJournal journal, TimeProvider clock)
{
    /// <summary>Longest reason a control request may carry.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>
    /// Queues a pause, resume, stop or budget change and waits up to <paramref name="wait"/> for the campaign's host to apply
    /// it. A top-up adds its amounts to the limits in force now (after earlier changes); an unlimited resource has none to add to.
    /// </summary>
    public async Task<OperationResult<ControlReply>> ControlAsync(ControlOrder order, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var campaign = await ledger.GetCampaignAsync(order.CampaignId, cancellationToken);
        if (campaign is null) return OperationResult<ControlReply>.Missing();
        var agent = string.IsNullOrWhiteSpace(order.AgentId) ? null : order.AgentId.Trim();
        var budget = order.Budget;
        if (order.Action == ControlAction.SetBudget && ControlRules.WhyNotBudget(budget) is { } badBudget)
            return OperationResult<ControlReply>.Invalid(OperationField.Budget, badBudget);
        if (agent is not null && campaign.Spec.Agents.All(a => a.Id != agent))
            return OperationResult<ControlReply>.Invalid(OperationField.Agent, ControlRules.WhyNotControllable(campaign, agent)!);
        if (order.Action == ControlAction.SetBudget && order.TopUp)
        {
            var inForce = EffectiveBudgets.From(campaign.Spec, await ledger.GetControlsAsync(campaign.Id, cancellationToken));
            var current = agent is null ? inForce.Campaign : inForce.Agents[agent];
            var unlimited = new List<string>();
            if (budget!.Tokens is > 0 && current.Tokens <= 0) unlimited.Add("tokens");
            if (budget.CpuSeconds is > 0 && current.CpuSeconds <= 0) unlimited.Add("CPU");
            if (budget.GpuSeconds is > 0 && current.GpuSeconds <= 0) unlimited.Add("GPU");
            if (unlimited.Count > 0)
                return OperationResult<ControlReply>.Invalid(OperationField.Budget,
                    $"{(agent is null ? "the campaign" : $"agent {agent}")} has no {string.Join(" or ", unlimited)} limit to top up; set one instead");
            budget = new BudgetChange
            {
                Tokens = budget.Tokens is { } t ? current.Tokens + t : null,
                CpuSeconds = budget.CpuSeconds is { } c ? current.CpuSeconds + c : null,
                GpuSeconds = budget.GpuSeconds is { } g ? current.GpuSeconds + g : null,
            };
        }
        if (ControlRules.WhyNotControllable(campaign, agent) is { } nothingToControl)
            return OperationResult<ControlReply>.Refuse(nothingToControl);
        var reason = order.Reason?.Trim() ?? "";
        if (reason.Length > MaxReasonLength)
            return OperationResult<ControlReply>.Invalid(OperationField.Reason, $"at most {MaxReasonLength} characters");

        var request = await ControlQueue.EnqueueAndWaitAsync(ledger, new ControlRequest
        {
            CampaignId = campaign.Id,
            AgentId = agent,
            Action = order.Action,
            Budget = order.Action == ControlAction.SetBudget ? budget : null,
            Reason = reason,
            RequestedBy = order.RequestedBy,
            RequestedAt = clock.GetUtcNow(),
        }, wait, cancellationToken);
        return OperationResult<ControlReply>.Done(new ControlReply(request));
    }

    /// <summary>Appends a person's note to the journal (the rules of <see cref="NoteRules"/>); the author must not be an agent.</summary>
    public async Task<OperationResult<JournalEntry>> NoteAsync(string campaignId, string text, string author, string? experimentReference, CancellationToken cancellationToken)
    {
        var campaign = await ledger.GetCampaignAsync(campaignId, cancellationToken);
        if (campaign is null) return OperationResult<JournalEntry>.Missing();
        var problems = new List<OperationProblem>();
        text = text.Trim();
        author = author.Trim();
        if (NoteRules.WhyNotText(text) is { } badText) problems.Add(new OperationProblem(OperationField.Text, badText));
        if (NoteRules.WhyNotAuthor(author, campaign.Spec, campaignId) is { } badAuthor) problems.Add(new OperationProblem(OperationField.Author, badAuthor));
        string? experimentId = null;
        if (!string.IsNullOrWhiteSpace(experimentReference))
        {
            experimentId = (await ExperimentLookup.FindAsync(ledger, campaignId, experimentReference, cancellationToken))?.Id;
            if (experimentId is null)
                problems.Add(new OperationProblem(OperationField.Experiment, $"campaign '{campaignId}' has no experiment '{experimentReference.Trim()}' (give its id or its number, e.g. 12)"));
        }
        if (problems.Count > 0) return new OperationResult<JournalEntry>(default, OperationFailure.Invalid, problems);
        var entry = await journal.AppendAsync(new JournalEntry
        {
            CampaignId = campaignId,
            Author = author,
            Kind = JournalEntryKind.Note,
            Text = text,
            ExperimentId = experimentId,
            At = clock.GetUtcNow(),
        }, cancellationToken);
        return OperationResult<JournalEntry>.Done(entry);
    }
}

/// <summary>A control request as a person asks for it (from the CLI, the API or a console page).</summary>
/// <param name="TopUp">For a budget change: add the amounts to the limits in force instead of setting them.</param>
public sealed record ControlOrder(string CampaignId, ControlAction Action, string? AgentId = null, BudgetChange? Budget = null, bool TopUp = false, string? Reason = null, string RequestedBy = "");

/// <summary>What became of a queued control request, by its recorded outcome kind.</summary>
public sealed record ControlReply(ControlRequest Request)
{
    public ControlReplyState State => Request.AppliedAt is null ? ControlReplyState.Queued : Request.OutcomeKind switch
    {
        ControlOutcomeKind.Refused => ControlReplyState.Refused,
        ControlOutcomeKind.NoOp => ControlReplyState.NothingToDo,
        _ => ControlReplyState.Applied,
    };
}

public enum ControlReplyState
{
    /// <summary>No running host applied it within the wait; it is applied when the campaign runs again.</summary>
    Queued,
    Applied,
    Refused,
    NothingToDo,
}

/// <summary>The input an operation's problem is about (a front end names it its own way: a form field, a CLI option).</summary>
public enum OperationField
{
    Agent,
    Budget,
    Reason,
    Text,
    Author,
    Experiment,

    /// <summary>A campaign or benchmark file (the message names the file and its field: <c>file: field: message</c>).</summary>
    File,

    /// <summary>A campaign's new deadline (steering).</summary>
    Deadline,

    /// <summary>A campaign's new most experiments (<c>max_experiments</c>).</summary>
    MaxExperiments,

    /// <summary>A campaign's new slots.</summary>
    Slots,

    /// <summary>No limit given at all.</summary>
    Limits,

    /// <summary>A person's configuration: <see cref="OperationProblem.Key"/> names the parameter.</summary>
    Parameters,

    /// <summary>The lab's quota: <see cref="OperationProblem.Key"/> names the resource (GpuHours, CpuHours, Tokens).</summary>
    Quota,
}

/// <param name="Key">Which one of the field's entries is wrong (a parameter's name); null when the field is one value.</param>
public sealed record OperationProblem(OperationField Field, string Message, string? Key = null);

public enum OperationFailure
{
    None,

    /// <summary>No such campaign in the ledger.</summary>
    NotFound,

    /// <summary>The input is wrong (see the problems).</summary>
    Invalid,

    /// <summary>The campaign cannot take it (e.g. it is over).</summary>
    Conflict,
}

/// <summary>An operation's result: its value, or why there is none.</summary>
public sealed record OperationResult<T>(T? Value, OperationFailure Failure = OperationFailure.None, IReadOnlyList<OperationProblem>? Problems = null, string? Conflict = null)
{
    public bool Ok => Failure == OperationFailure.None;

    public static OperationResult<T> Done(T value) => new(value);

    public static OperationResult<T> Missing() => new(default, OperationFailure.NotFound);

    public static OperationResult<T> Invalid(OperationField field, string message) => new(default, OperationFailure.Invalid, [new OperationProblem(field, message)]);

    public static OperationResult<T> Refuse(string why) => new(default, OperationFailure.Conflict, Conflict: why);
}
