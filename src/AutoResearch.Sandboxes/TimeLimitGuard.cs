namespace AutoResearch.Sandboxes;

/// <summary>
/// The wall-clock limit of one run, kept off the output's path: once armed, a timer fires at the deadline and starts the kill
/// right there (it does not wait for any other task), and the deadline plus <see cref="SandboxOptions.LimitGrace"/> bounds
/// everything after it (output drain, result file, artifact copy).
/// </summary>
internal sealed class TimeLimitGuard : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private readonly TimeSpan _grace;
    private CancellationTokenRegistration _registration;
    private Task<KillOutcome>? _kill;

    public TimeLimitGuard(TimeSpan grace)
    {
        _grace = grace;
    }

    /// <summary>When the limit runs out (UTC); <see cref="DateTimeOffset.MaxValue"/> until armed.</summary>
    public DateTimeOffset Deadline { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>Fires at the deadline.</summary>
    public CancellationToken Expired => _expired.Token;

    /// <summary>Whether the deadline passed (and the kill was started).</summary>
    public bool HasExpired => _expired.IsCancellationRequested;

    /// <summary>The kill the deadline started; null before it.</summary>
    public Task<KillOutcome>? Kill => Volatile.Read(ref _kill);

    /// <summary>Starts the clock: <paramref name="kill"/> is called the moment <paramref name="limit"/> has passed since <paramref name="startedAt"/>.</summary>
    public void Arm(DateTimeOffset startedAt, TimeSpan limit, Func<Task<KillOutcome>> kill)
    {
        Deadline = startedAt + limit;
        _registration = _expired.Token.Register(() => Volatile.Write(ref _kill, Task.Run(kill)));
        var left = Deadline - DateTimeOffset.UtcNow;
        _expired.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    /// <summary>
    /// Time left for work after the run ended: until the deadline plus the grace, at least <paramref name="floor"/> and at most
    /// <paramref name="ceiling"/>.
    /// </summary>
    public TimeSpan Remaining(TimeSpan floor, TimeSpan ceiling)
    {
        if (Deadline == DateTimeOffset.MaxValue)
        {
            return ceiling;
        }

        var left = Deadline + _grace - DateTimeOffset.UtcNow;
        return left < floor ? floor : left > ceiling ? ceiling : left;
    }

    public void Dispose()
    {
        _registration.Dispose();
        _expired.Dispose();
    }
}
