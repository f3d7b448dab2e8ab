using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Host.Operations;

/// <summary>
/// Queues a control request in the ledger, where the process running the campaign applies it within a second or two, and
/// waits for that. The same path for the CLI and the console, whichever process runs the campaign.
/// </summary>
public static class ControlQueue
{
    /// <summary>How long a campaign must have been seen ended before a request still queued for it is answered "nothing to do".</summary>
    public static readonly TimeSpan EndedGrace = TimeSpan.FromSeconds(3);

    /// <summary>The request as it stands after at most <paramref name="wait"/>: applied (with its outcome) or still queued.</summary>
    public static async Task<ControlRequest> EnqueueAndWaitAsync(ILedger ledger, ControlRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        var queued = await ledger.EnqueueControlAsync(request, cancellationToken);
        var until = DateTimeOffset.UtcNow + wait;
        DateTimeOffset? endedSince = null;
        CampaignRecord? ended = null;
        var polls = 0;
        while (true)
        {
            var current = await ledger.GetControlAsync(queued.Id, cancellationToken) ?? queued;
            if (current.AppliedAt is not null)
                return current;
            // The campaign ended while the request waited (a one-experiment campaign completing as the stop arrives): its
            // host applies nothing any more, so the request is answered here instead of staying queued for ever. The grace
            // lets the host record its own outcome first (a stop it applied ends the campaign a moment before it says so).
            // Read once a second, not at every poll of the request: the record carries the whole campaign file.
            if (++polls % 4 == 1)
            {
                ended = await ledger.GetCampaignAsync(request.CampaignId, cancellationToken) is { State: not (CampaignState.Running or CampaignState.Paused) } c ? c : null;
                endedSince = ended is null ? null : endedSince ?? DateTimeOffset.UtcNow;
            }
            if (ended is not null && DateTimeOffset.UtcNow - endedSince >= EndedGrace)
            {
                await ledger.CompleteControlAsync(queued.Id, DateTimeOffset.UtcNow,
                    ControlOutcome.NoOp($"the campaign is {ended.State.ToString().ToLowerInvariant()}"), cancellationToken);
                return await ledger.GetControlAsync(queued.Id, cancellationToken) ?? queued;
            }
            if (DateTimeOffset.UtcNow >= until)
                return current;
            await Task.Delay(250, cancellationToken);
        }
    }
}
