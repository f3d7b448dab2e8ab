using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Ledger;

/// <summary>
/// One SQLite ledger migrating at a time across processes, by an exclusive lock on <c>&lt;ledger file&gt;.migrate.lock</c>
/// (an advisory file lock on Unix): unlike EF Core's lock row in <c>__EFMigrationsLock</c>, it goes away with the process
/// that held it, however that process ended.
/// </summary>
internal sealed class SqliteMigrationFileLock : IAsyncDisposable
{
    private readonly FileStream _stream;

    private SqliteMigrationFileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits (cancellably) until no other process holds the lock, then holds it.</summary>
    public static async Task<SqliteMigrationFileLock> TakeAsync(string ledgerFile, ILogger logger, CancellationToken cancellationToken)
    {
        var path = ledgerFile + ".migrate.lock";
        var said = false;
        while (true)
        {
            try
            {
                return new SqliteMigrationFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!said)
                {
                    logger.LogInformation("Waiting for another process to finish migrating the ledger ({LockFile})", path);
                    said = true;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Removes EF Core's lock row left by a process that died while migrating (call only while holding the file lock).</summary>
    public static async Task ClearStaleLockRowAsync(DbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0) return;
            await using var clear = connection.CreateCommand();
            clear.CommandText = "DELETE FROM \"__EFMigrationsLock\"";
            await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (opened) await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
