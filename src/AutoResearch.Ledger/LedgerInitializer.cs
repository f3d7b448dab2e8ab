using AutoResearch.Ledger.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AutoResearch.Ledger;

/// <summary>
/// Brings the ledger's schema up to date once per process with EF Core migrations (Migrations/Sqlite, Migrations/Postgres),
/// safe when several processes start together. A ledger made before migrations (schema versions 1–4 in
/// <c>ledger_schema_version</c>) is first brought to version 4 and recorded as at the initial migration (<see cref="LegacyLedgerSchema"/>).
/// Runs as a hosted service at start-up; <see cref="EfLedger"/> and <see cref="EfJournal"/> also await it before their first use.
/// </summary>
public sealed class LedgerInitializer(
    IDbContextFactory<LedgerDbContext> factory,
    LedgerSettings settings,
    ILogger<LedgerInitializer>? logger = null) : IHostedService
{
    private const long PostgresInitLockKey = 0x4C45444745520001; // "LEDGER" + 1

    private readonly ILogger _logger = logger ?? NullLogger<LedgerInitializer>.Instance;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Whether the schema is known to be up to date in this process.</summary>
    public bool IsInitialized => _initialized;

    public Task StartAsync(CancellationToken cancellationToken) => EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the database (PostgreSQL) or file (SQLite), switches SQLite to WAL, and applies the pending migrations.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider == LedgerProvider.Sqlite)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(settings.SqliteFile!)!);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Provider == LedgerProvider.Sqlite)
        {
            await UseWalAsync(db, cancellationToken).ConfigureAwait(false);
            // Several processes: the legacy step takes SQLite's write lock (BEGIN IMMEDIATE), migrating takes EF Core's migration lock.
            await MigrateAsync(db, cancellationToken).ConfigureAwait(false);
            return;
        }

        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another process created it first.
            }
        }

        // One initializer at a time across processes, around the legacy step and the migrations alike (a session lock on a
        // connection of its own, so EF Core's transactions inside do not release it).
        await using var lockConnection = new NpgsqlConnection(settings.ConnectionString);
        await lockConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresInitLockKey})", lockConnection))
        {
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await MigrateAsync(db, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresInitLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task MigrateAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        await LegacyLedgerSchema.BaselineAsync(db, settings.Provider, _logger, cancellationToken).ConfigureAwait(false);

        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        var unknown = applied.Where(id => !known.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The ledger database has migration {string.Join(", ", unknown)}, newer than this build understands " +
                $"(its latest is {known.Max(StringComparer.Ordinal)}). Upgrade AutoResearch.");
        }

        var pending = known.Except(applied, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Nothing to apply: no migration lock is taken. On SQLite EF Core's lock is a row in __EFMigrationsLock that a killed
        // process leaves behind, and every later Migrate would wait for it for ever; a ledger opened many times a night by
        // processes that may be killed must not take it without need.
        if (pending.Count == 0) return;
        if (settings.Provider == LedgerProvider.Sqlite)
        {
            await using var fileLock = await SqliteMigrationFileLock.TakeAsync(settings.SqliteFile!, _logger, cancellationToken).ConfigureAwait(false);
            // Holding the file lock (released by the operating system when its holder dies), any lock row is a dead process's.
            await SqliteMigrationFileLock.ClearStaleLockRowAsync(db, cancellationToken).ConfigureAwait(false);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        _logger.LogInformation("Applied ledger migrations {Migrations} ({Provider}).", string.Join(", ", pending), settings.Provider);
    }

    private async Task UseWalAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        // Persistent in the file: readers never block the writer, and a crash loses at most the uncommitted transaction.
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture), "wal", StringComparison.OrdinalIgnoreCase))
            {
                _logger.LogWarning("SQLite ledger {File} could not switch to WAL mode (journal mode is {Mode}).", settings.SqliteFile, mode);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
