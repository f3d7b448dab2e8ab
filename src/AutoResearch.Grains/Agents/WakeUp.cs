namespace AutoResearch.Grains.Agents;

/// <summary>
/// Wakes an agent's waiting workers when something they wait for may have changed: a resume, stop or budget change reaches
/// the agent (a grain call), or the campaign restarts its agents (it resumed, or its budget changed). A wait still ends after
/// its fallback time, for changes nobody tells the agent about (another agent's result, a refund, the fleet).
/// </summary>
public sealed class WakeUp
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends every wait in progress.</summary>
    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits until the next <see cref="Pulse"/> or until <paramref name="fallback"/> has passed.</summary>
    public async Task WaitAsync(TimeSpan fallback, CancellationToken cancellationToken)
    {
        var pulsed = Volatile.Read(ref _next).Task;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(pulsed, Task.Delay(fallback, stop.Token));
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
