using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains;

/// <summary>
/// Host disk guard: before a run is granted, the host's <see cref="IDiskSpaceGuard"/> (when one is registered) is asked;
/// on <see cref="DiskSpaceCheck.Low"/> the campaign pauses itself through the same path as a user's pause, with the numbers
/// as its reason (journal and status), so <c>resume</c> continues it once space has been freed.
/// </summary>
public sealed partial class CampaignGrain
{
    /// <summary>A refusal when the disk is too full (the campaign is now paused); null when a run may start.</summary>
    private async Task<ExperimentTicket?> DiskGuardTicketAsync()
    {
        if (state.State.Spec is null || state.State.State != CampaignState.Running) return null;
        // Nothing would be granted anyway: a finished search must complete, not pause.
        if (WhyFinished() is not null && Holdout.Queued == 0) return null;
        if (ServiceProvider.GetService<IDiskSpaceGuard>() is not { } guard) return null;

        DiskSpaceCheck check;
        try
        {
            check = await guard.CheckAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Checking free disk space for campaign {CampaignId} failed; the run goes ahead", CampaignId);
            return null;
        }
        if (check is not DiskSpaceCheck.Low low) return null;

        var reason = low.Describe();
        state.State.Reason = $"paused: {reason}";
        await ApplyAsync(new ControlRequest
        {
            CampaignId = CampaignId,
            Action = ControlAction.Pause,
            RequestedBy = "the disk guard",
            Reason = reason,
            RequestedAt = clock.GetUtcNow(),
        });
        logger.LogWarning("Campaign {CampaignId} paused: {Reason}", CampaignId, reason);
        return new ExperimentTicket { Granted = false, Retry = true, Reason = $"campaign paused: {reason}", MaxSlots = Slots };
    }
}
