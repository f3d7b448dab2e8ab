using AutoResearch.Abstractions.Experiments;
using AutoResearch.Host.Operations;

namespace AutoResearch.Web.Campaigns;

/// <summary>Steering from the console's pages and API, through the operations the CLI uses (<see cref="CampaignOperations"/>).</summary>
public sealed partial class ConsoleCampaigns
{
    /// <summary>Stops experiment #<paramref name="sequence"/> (<see cref="CampaignOperations.StopExperimentAsync"/>).</summary>
    public async Task<OperationOutcome<ControlResult>> StopExperimentAsync(string id, int sequence, string? reason, string requestedBy, CancellationToken cancellationToken) =>
        Reply("stop-experiment", await operations.StopExperimentAsync(
            new StopExperimentOrder(id, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, $"console ({requestedBy})"), options.Value.ControlWait, cancellationToken));

    /// <summary>Approves or rejects experiment #<paramref name="sequence"/> awaiting approval (<see cref="CampaignOperations.DecideApprovalAsync"/>).</summary>
    public async Task<OperationOutcome<ControlResult>> DecideApprovalAsync(string id, int sequence, bool approve, string? reason, string requestedBy, CancellationToken cancellationToken) =>
        Reply(approve ? "approve" : "reject", await operations.DecideApprovalAsync(
            new ApprovalOrder(id, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), approve, reason, $"console ({requestedBy})"), options.Value.ControlWait, cancellationToken));

    /// <summary>Changes the deadline, most experiments and/or slots (<see cref="CampaignOperations.SetLimitsAsync"/>); the deadline is read as people write it.</summary>
    public async Task<OperationOutcome<ControlResult>> SetLimitsAsync(string id, LimitsBody body, string requestedBy, CancellationToken cancellationToken)
    {
        var problems = new FormProblems();
        var zone = TimeZoneInfo.Local;
        if (body.TimeZone is { Length: > 0 } zoneId && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId.Trim(), out zone!))
        {
            problems.Add(nameof(LimitsBody.TimeZone), $"'{zoneId}' is not a time zone this server knows (use an IANA id such as Europe/Berlin)");
            zone = TimeZoneInfo.Local;
        }
        DateTimeOffset? deadline = null;
        if (!string.IsNullOrWhiteSpace(body.Deadline))
        {
            deadline = DeadlineParser.Parse(body.Deadline, clock.GetUtcNow(), zone, out var deadlineProblem);
            if (deadlineProblem is not null) problems.Add(nameof(OperationField.Deadline), deadlineProblem);
        }
        var result = await operations.SetLimitsAsync(
            new LimitsOrder(id, deadline, body.MaxExperiments, body.Slots, body.Reason, $"console ({requestedBy})"), options.Value.ControlWait, cancellationToken);
        if (!problems.Any) return Reply("limits", result);
        // Every problem at once: the form's own (deadline text, zone) and the operation's.
        if (result.Failure == OperationFailure.NotFound) return OperationOutcome<ControlResult>.Missing();
        foreach (var problem in (result.Problems ?? []).Where(p => p.Field != OperationField.Limits)) problems.Add(problem.Field.ToString(), problem.Message);
        return new OperationOutcome<ControlResult>(default, problems);
    }

    /// <summary>Queues a person's configuration as an agent's next proposal (<see cref="CampaignOperations.TryConfigurationAsync"/>).</summary>
    public async Task<OperationOutcome<ControlResult>> TryConfigurationAsync(string id, string? agent, IReadOnlyDictionary<string, string> parameters, string? reason, string requestedBy, CancellationToken cancellationToken) =>
        Reply("try", await operations.TryConfigurationAsync(
            new ConfigurationOrder(id, parameters, agent, reason, $"console ({requestedBy})"), options.Value.ControlWait, cancellationToken));

    private static OperationOutcome<ControlResult> Reply(string action, OperationResult<ControlReply> result)
    {
        if (!result.Ok) return Outcome<ControlResult, ControlReply>(result);
        var reply = result.Value!;
        var request = reply.Request;
        var status = reply.State switch { ControlReplyState.Queued => "queued", ControlReplyState.Refused => "refused", _ => "applied" };
        return new OperationOutcome<ControlResult>(new ControlResult(request.Id, action, request.AgentId, status,
            request.Outcome ?? "No running host applied it yet; it is applied when the campaign runs again (Resume here, or 'autoresearch run' with its campaign file).")
        { State = reply.State });
    }
}
