namespace AutoResearch.Grains.Agents;

/// <summary>
/// A person's stops of this agent's experiments: a running one is cancelled at once (the sandbox runner kills and removes its
/// container), one not started yet is recorded as stopped when it would start. Thread-safe: a control call and the workers meet here.
/// </summary>
public sealed class RunStops
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, PersonStop> _requested = [];
    private readonly Dictionary<int, CancellationTokenSource> _running = [];

    /// <summary>Asks for the stop of experiment #<paramref name="sequence"/>; true when it was running here and is being cancelled.</summary>
    public bool Request(int sequence, PersonStop stop)
    {
        CancellationTokenSource? running;
        lock (_gate)
        {
            _requested[sequence] = stop;
            running = _running.GetValueOrDefault(sequence);
        }
        running?.Cancel();
        return running is not null;
    }

    /// <summary>The stop asked for experiment #<paramref name="sequence"/>; null when none was.</summary>
    public PersonStop? Requested(int sequence)
    {
        lock (_gate) return _requested.GetValueOrDefault(sequence);
    }

    /// <summary>The run of experiment #<paramref name="sequence"/> begins: its token fires when a person stops it (at once if one already did).</summary>
    public Registration Register(int sequence)
    {
        var source = new CancellationTokenSource();
        bool already;
        lock (_gate)
        {
            _running[sequence] = source;
            already = _requested.ContainsKey(sequence);
        }
        if (already) source.Cancel();
        return new Registration(this, sequence, source);
    }

    /// <summary>The experiment is recorded: its stop request is done with.</summary>
    public void Forget(int sequence)
    {
        lock (_gate) _requested.Remove(sequence);
    }

    private void Unregister(int sequence, CancellationTokenSource source)
    {
        lock (_gate)
        {
            if (_running.GetValueOrDefault(sequence) == source) _running.Remove(sequence);
        }
        source.Dispose();
    }

    public sealed class Registration(RunStops owner, int sequence, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose() => owner.Unregister(sequence, source);
    }
}

/// <summary>Who stopped an experiment and why.</summary>
public sealed record PersonStop(string By, string Reason)
{
    /// <summary>The experiment's recorded reason: "stopped by alice: too slow".</summary>
    public string Describe() =>
        "stopped by " + (string.IsNullOrWhiteSpace(By) ? "a person" : By) + (string.IsNullOrWhiteSpace(Reason) ? "" : ": " + Reason);
}
