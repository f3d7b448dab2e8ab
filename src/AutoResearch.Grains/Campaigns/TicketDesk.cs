using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// Grants (or refuses) an agent's request for an experiment: the disk guard first (a full disk pauses the campaign), then
/// held-out re-validation runs, then the campaign's own limits, the agent's turn under <c>allocation: gain</c> and the
/// campaign budget. A granted ticket is the baseline, a noise/confirmation repeat, or a proposal.
/// </summary>
public sealed class TicketDesk(CampaignSession s, CampaignHoldout holdout, GainAllocator allocator, CampaignControls controls)
{
    public async Task<ExperimentTicket> RequestAsync(TicketRequest request)
    {
        if (await DiskGuardTicketAsync() is { } diskLow)
            return diskLow;
        if (await holdout.TicketAsync(request) is { } heldOut)
            return heldOut;
        var (refusal, retry) = s.WhyNoTicket();
        if (refusal is not null)
        {
            // The search is over but its held-out re-validation is not: keep the agents asking, they will run it.
            if (!retry && holdout.Ahead() is { } wait)
                return Refused(wait, retry: true);
            return Refused(refusal, retry);
        }

        if (await allocator.WhyNotMyTurnAsync(request.AgentId) is { } notYet)
            return Refused(notYet, retry: true);

        var key = s.NextSequence.ToString(CultureInfo.InvariantCulture);
        if (!s.Budget.TryReserve(key, request.Estimate, out var budgetProblem))
        {
            // With experiments in flight, their refunds may make room: ask again later. Otherwise the campaign budget is spent.
            return Refused($"campaign budget: {budgetProblem}", retry: s.Running > 0);
        }

        var sequence = await s.TakeSequenceAsync();
        s.Launched++;
        await allocator.NoteTurnAsync(request.AgentId);
        var kind = ExperimentKind.Proposal;
        ExperimentRecord? repeatOf = null;
        if (sequence == 0)
        {
            kind = ExperimentKind.Baseline;
            s.Board.BaselineLaunched(s.BaselineStub());
        }
        else if (s.Board.TakeRepeat() is { } repeat)
        {
            kind = ExperimentKind.Repeat;
            repeatOf = await s.Ledger.GetExperimentAsync(repeat.Id) ?? repeat;
        }

        return new ExperimentTicket
        {
            Granted = true,
            Sequence = sequence,
            IsBaseline = kind == ExperimentKind.Baseline,
            Kind = kind,
            RepeatOf = repeatOf,
            MaxSlots = s.Slots,
            MustFinishBy = s.State.Deadline,
            Best = s.Board.Best,
            Reserved = request.Estimate,
        };
    }

    private ExperimentTicket Refused(string reason, bool retry) => new() { Granted = false, Retry = retry, Reason = reason, MaxSlots = s.Slots };

    /// <summary>
    /// Host disk guard: before a run is granted, the host's <see cref="IDiskSpaceGuard"/> (when one is registered) is asked;
    /// on <see cref="DiskSpaceCheck.Low"/> the campaign pauses itself through the same path as a user's pause, with the numbers
    /// as its reason (journal and status), so <c>resume</c> continues it once space has been freed. Null when a run may start.
    /// </summary>
    private async Task<ExperimentTicket?> DiskGuardTicketAsync()
    {
        if (s.State.Spec is null || s.State.State != CampaignState.Running) return null;
        // Nothing would be granted anyway: a finished search must complete, not pause.
        if (s.WhyFinished() is not null && s.Holdout.Queued == 0) return null;
        if (s.Host.DiskGuard is not { } guard) return null;

        DiskSpaceCheck check;
        try
        {
            check = await guard.CheckAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            s.Logger.LogWarning(ex, "Checking free disk space for campaign {CampaignId} failed; the run goes ahead", s.CampaignId);
            return null;
        }
        if (check is not DiskSpaceCheck.Low low) return null;

        var reason = low.Describe();
        s.State.Reason = $"paused: {reason}";
        await controls.ApplyAsync(new ControlRequest
        {
            CampaignId = s.CampaignId,
            Action = ControlAction.Pause,
            RequestedBy = "the disk guard",
            Reason = reason,
            RequestedAt = s.Clock.GetUtcNow(),
        });
        s.Logger.LogWarning("Campaign {CampaignId} paused: {Reason}", s.CampaignId, reason);
        return Refused($"campaign paused: {reason}", retry: true);
    }
}
