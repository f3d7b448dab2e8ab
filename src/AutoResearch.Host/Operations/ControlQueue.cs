using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Host.Operations;

/// <summary>
/// Queues a control request in the ledger, where the process running the campaign applies it within a second or two, and
/// waits for that. The same path for the CLI and the console, whichever process runs the campaign.
/// </summary>
public static class ControlQueue
{
    /// <summary>The request as it stands after at most <paramref name="wait"/>: applied (with its outcome) or still queued.</summary>
    public static async Task<ControlRequest> EnqueueAndWaitAsync(ILedger ledger, ControlRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        var queued = await ledger.EnqueueControlAsync(request, cancellationToken);
        var until = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            var current = await ledger.GetControlAsync(queued.Id, cancellationToken) ?? queued;
            if (current.AppliedAt is not null || DateTimeOffset.UtcNow >= until)
                return current;
            await Task.Delay(250, cancellationToken);
        }
    }
}
