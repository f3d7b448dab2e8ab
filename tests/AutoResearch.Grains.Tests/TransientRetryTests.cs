using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>An agent's calls to the fleet and its campaign outlive a silo's death: transient Orleans failures are retried.</summary>
public sealed class TransientRetryTests
{
    [Fact]
    public async Task Silo_unavailable_and_timeouts_are_retried_until_the_call_answers()
    {
        var failures = new Queue<Exception>([new SiloUnavailableException("silo S1 is dead"), new SiloUnavailableException("message to a dead silo rejected"), new TimeoutException("no answer")]);
        var attempts = 0;
        var answer = await TransientRetry.RunAsync(() =>
        {
            attempts++;
            return failures.TryDequeue(out var failure) ? Task.FromException<int>(failure) : Task.FromResult(42);
        }, "ask the fleet for a slot", NullLogger.Instance);
        Assert.Equal((42, 4), (answer, attempts));
    }

    [Fact]
    public async Task A_call_that_is_not_idempotent_is_not_retried_after_a_timeout_but_is_after_a_dead_silo()
    {
        // A timed-out ticket or slot request may have been granted: a retry would take a second one while the first is held.
        var attempts = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => TransientRetry.RunAsync(() =>
        {
            attempts++;
            return Task.FromException<int>(new TimeoutException("no answer"));
        }, "ask the campaign for a ticket", NullLogger.Instance, retryTimeouts: false));
        Assert.Equal(1, attempts);

        var failures = new Queue<Exception>([new SiloUnavailableException("silo S1 is dead")]);
        attempts = 0;
        var answer = await TransientRetry.RunAsync(() =>
        {
            attempts++;
            return failures.TryDequeue(out var failure) ? Task.FromException<int>(failure) : Task.FromResult(7);
        }, "ask the fleet for a slot", NullLogger.Instance, retryTimeouts: false);
        Assert.Equal((7, 2), (answer, attempts));
    }

    [Fact]
    public async Task Other_failures_are_thrown_at_once()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => TransientRetry.RunAsync(() =>
        {
            attempts++;
            return Task.FromException(new InvalidOperationException("a real bug"));
        }, "report to the campaign", NullLogger.Instance));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_failure_that_lasts_past_the_limit_is_thrown_and_so_is_one_after_cancellation()
    {
        var attempts = 0;
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => TransientRetry.RunAsync(() =>
        {
            attempts++;
            return Task.FromException(new SiloUnavailableException("still dead"));
        }, "release the sandbox slot", NullLogger.Instance, giveUpAfter: TimeSpan.FromSeconds(1)));
        Assert.InRange(attempts, 2, 4);   // 200 + 400 ms of back-off fit in the second, 800 more do not
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {watch.Elapsed}");

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        attempts = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => TransientRetry.RunAsync(() =>
        {
            attempts++;
            return Task.FromException(new TimeoutException("no answer"));
        }, "ask the campaign for a ticket", NullLogger.Instance, cancelled.Token));
        Assert.Equal(1, attempts);
    }
}
