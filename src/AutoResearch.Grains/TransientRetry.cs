using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains;

/// <summary>
/// Grain calls that cross silos fail for a while when a silo dies or the cluster is re-forming: the target's silo is gone
/// (<see cref="SiloUnavailableException"/>), the message was rejected (<see cref="OrleansMessageRejectionException"/>), or no
/// answer came in time (<see cref="TimeoutException"/>). Those are retried with growing back-off (the grain re-activates
/// on a surviving silo) instead of ending the caller; anything else is thrown at once, and so is a transient failure that
/// lasts longer than <see cref="GiveUpAfter"/>.
/// </summary>
public static class TransientRetry
{
    /// <summary>How long one call keeps retrying before its last failure is thrown.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    /// <summary>True for the failures of a silo or of messaging that a later try may not meet.</summary>
    public static bool IsTransient(Exception exception, bool timeouts = true) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException || (timeouts && exception is TimeoutException);

    /// <param name="retryTimeouts">
    /// False for calls that are not idempotent (a ticket, a slot): a timeout does not mean the call did nothing, and a retry
    /// would take a second ticket or lease while the first is held for good.
    /// </param>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, string what, ILogger logger, CancellationToken cancellationToken = default,
        TimeProvider? clock = null, TimeSpan? giveUpAfter = null, bool retryTimeouts = true)
    {
        clock ??= TimeProvider.System;
        var started = clock.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (IsTransient(ex, retryTimeouts) && !cancellationToken.IsCancellationRequested
                && clock.GetElapsedTime(started) + delay < (giveUpAfter ?? GiveUpAfter))
            {
                logger.LogWarning("{What} failed ({Error}: {Message}), try {Attempt}; retrying in {Delay}",
                    what, ex.GetType().Name, ex.Message, attempt, delay);
                await Task.Delay(delay, clock, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    public static Task RunAsync(Func<Task> call, string what, ILogger logger, CancellationToken cancellationToken = default,
        TimeProvider? clock = null, TimeSpan? giveUpAfter = null) =>
        RunAsync(async () => { await call(); return true; }, what, logger, cancellationToken, clock, giveUpAfter);
}
