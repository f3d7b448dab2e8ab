namespace AutoResearch.Ledger;

/// <summary>
/// Serializes this process's writes to a SQLite ledger. SQLite allows one writer at a time anyway; queueing in-process
/// avoids many callers spinning on the file lock (busy_timeout still covers writers in other processes).
/// A no-op for PostgreSQL, which handles concurrent writers itself.
/// </summary>
public sealed class LedgerWriteGate(LedgerSettings settings) : IDisposable
{
    private readonly SemaphoreSlim? _semaphore = settings.Provider == LedgerProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    /// <summary>Waits for the gate; dispose the result to leave it.</summary>
    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore is null)
        {
            return default;
        }

        await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore?.Dispose();

    public readonly struct Releaser(SemaphoreSlim? semaphore) : IDisposable
    {
        public void Dispose() => semaphore?.Release();
    }
}
