using System.Data.Common;
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
/// Creates the ledger's tables once (idempotent, safe when several processes start together) and checks the schema version.
/// Runs as a hosted service at start-up; <see cref="EfLedger"/> and <see cref="EfJournal"/> also await it before their first use.
/// </summary>
public sealed class LedgerInitializer(
    IDbContextFactory<LedgerDbContext> factory,
    LedgerSettings settings,
    ILogger<LedgerInitializer>? logger = null) : IHostedService
{
    /// <summary>The schema this build writes and reads.</summary>
    public const int SchemaVersion = 4;

    /// <summary>Defaults of the non-null experiment columns added by version 2 (the records' defaults).</summary>
    private static readonly Dictionary<string, string> Version2Defaults = new(StringComparer.Ordinal)
    {
        [nameof(Storage.ExperimentRow.Kind)] = "'Proposal'",
        [nameof(Storage.ExperimentRow.Verdict)] = "'NotJudged'",
        [nameof(Storage.ExperimentRow.Tokens)] = "0",
    };

    private const long PostgresInitLockKey = 0x4C45444745520001; // "LEDGER" + 1

    private readonly ILogger _logger = logger ?? NullLogger<LedgerInitializer>.Instance;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Whether the schema is known to exist in this process.</summary>
    public bool IsInitialized => _initialized;

    public Task StartAsync(CancellationToken cancellationToken) => EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the database (PostgreSQL) or file (SQLite), switches SQLite to WAL, and creates the tables when missing.</summary>
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
            var file = settings.SqliteFile!;
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var creator = db.GetService<IRelationalDatabaseCreator>();

        if (settings.Provider == LedgerProvider.Postgres && !await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
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

        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (settings.Provider == LedgerProvider.Sqlite)
            {
                // Persistent in the file: readers never block the writer, and a crash loses at most the uncommitted transaction.
                var mode = await ScalarAsync(db, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
                if (!string.Equals(Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture), "wal", StringComparison.OrdinalIgnoreCase))
                {
                    _logger.LogWarning("SQLite ledger {File} could not switch to WAL mode (journal mode is {Mode}).", settings.SqliteFile, mode);
                }
            }

            // SQLite: BEGIN IMMEDIATE takes the write lock; PostgreSQL: an advisory lock. Either way one initializer at a time.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (settings.Provider == LedgerProvider.Postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresInitLockKey})", cancellationToken).ConfigureAwait(false);
            }

            if (!await SchemaTableExistsAsync(db, cancellationToken).ConfigureAwait(false))
            {
                // Not EnsureCreated: that skips a database that already has any table (e.g. Orleans' own tables in a shared PostgreSQL).
                await creator.CreateTablesAsync(cancellationToken).ConfigureAwait(false);
                db.SchemaVersions.Add(new SchemaVersionRow { Version = SchemaVersion, AppliedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Created ledger schema version {Version} ({Provider}).", SchemaVersion, settings.Provider);
            }
            else
            {
                var version = await db.SchemaVersions.MaxAsync(v => (int?)v.Version, cancellationToken).ConfigureAwait(false) ?? 0;
                if (version > SchemaVersion)
                {
                    throw new InvalidOperationException(
                        $"The ledger database has schema version {version}, newer than this build understands ({SchemaVersion}). Upgrade AutoResearch.");
                }

                if (version == 1)
                {
                    await UpgradeFromVersion1Async(db, cancellationToken).ConfigureAwait(false);
                    version = 2;
                }

                if (version == 2)
                {
                    await UpgradeFromVersion2Async(db, cancellationToken).ConfigureAwait(false);
                    version = 3;
                }

                if (version == 3)
                {
                    await UpgradeFromVersion3Async(db, cancellationToken).ConfigureAwait(false);
                    version = 4;
                }

                if (version < SchemaVersion)
                {
                    throw new InvalidOperationException(
                        $"The ledger database has schema version {version}; this build needs {SchemaVersion} and has no upgrade from it.");
                }
            }

            // Ledgers created before the covering index get it here (an index, no schema change: no version bump).
            var coveringIndex = $"CREATE INDEX IF NOT EXISTS {LedgerDbContext.ExperimentsCoveringIndex} ON {LedgerDbContext.ExperimentsTable} " +
                $"({string.Join(", ", LedgerDbContext.ExperimentsCoveringColumns)})";
            await db.Database.ExecuteSqlRawAsync(coveringIndex, cancellationToken).ConfigureAwait(false);

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Version 1 → 2 (noise-aware leaderboard, budgets, controls): adds the new experiment columns with their defaults, marks old
    /// baselines as such, and creates the leaderboard, model-call and control tables. Runs inside the initializer's transaction.
    /// </summary>
    private async Task UpgradeFromVersion1Async(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var experiments = db.Model.FindEntityType(typeof(Storage.ExperimentRow))!;
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(LedgerDbContext.ExperimentsTable);
        foreach (var name in LedgerDbContext.Version2ExperimentColumns)
        {
            var property = experiments.FindProperty(name)!;
            var column = property.GetColumnName(table)!;
            var type = property.GetColumnType(table);
            var nullability = property.IsNullable ? "NULL" : $"NOT NULL DEFAULT {Version2Defaults[name]}";
            var alter = $"ALTER TABLE {LedgerDbContext.ExperimentsTable} ADD COLUMN {column} {type} {nullability}";
            await db.Database.ExecuteSqlRawAsync(alter, cancellationToken).ConfigureAwait(false);
        }
        var baselines = $"UPDATE {LedgerDbContext.ExperimentsTable} SET kind = 'Baseline' WHERE is_baseline = TRUE";
        await db.Database.ExecuteSqlRawAsync(baselines, cancellationToken).ConfigureAwait(false);

        // The new tables' DDL, as EF would create it for this provider.
        var statements = db.Database.GenerateCreateScript()
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(sql => LedgerDbContext.Version2Tables.Any(t =>
                sql.Contains($"TABLE \"{t}\"", StringComparison.Ordinal) || sql.Contains($"TABLE {t} ", StringComparison.Ordinal) ||
                sql.Contains($"ON \"{t}\"", StringComparison.Ordinal) || sql.Contains($"ON {t} ", StringComparison.Ordinal)))
            .ToList();
        foreach (var sql in statements)
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken).ConfigureAwait(false);

        db.SchemaVersions.Add(new SchemaVersionRow { Version = 2, AppliedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Upgraded the ledger schema from version 1 to 2 ({Provider}): {Statements} new tables and indexes.", settings.Provider, statements.Count);
    }

    /// <summary>Version 2 → 3 (sandbox notes and truncated artifacts kept on every experiment): adds the two experiment columns.</summary>
    private async Task UpgradeFromVersion2Async(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var experiments = db.Model.FindEntityType(typeof(Storage.ExperimentRow))!;
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(LedgerDbContext.ExperimentsTable);
        foreach (var (name, defaultValue) in LedgerDbContext.Version3ExperimentColumns)
        {
            var property = experiments.FindProperty(name)!;
            var alter = $"ALTER TABLE {LedgerDbContext.ExperimentsTable} ADD COLUMN {property.GetColumnName(table)} {property.GetColumnType(table)} NOT NULL DEFAULT {defaultValue}";
            await db.Database.ExecuteSqlRawAsync(alter, cancellationToken).ConfigureAwait(false);
        }

        db.SchemaVersions.Add(new SchemaVersionRow { Version = 3, AppliedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Upgraded the ledger schema from version 2 to 3 ({Provider}): experiment notes.", settings.Provider);
    }

    /// <summary>
    /// Version 3 → 4 (typed outcomes): adds the experiments' proposal origin and the controls' outcome kind, and gives the rows
    /// written before them their kind once, from what those versions wrote (a fallback proposer's name, an outcome's prefix).
    /// </summary>
    private async Task UpgradeFromVersion3Async(LedgerDbContext db, CancellationToken cancellationToken)
    {
        foreach (var (tableName, rowType, name, nullability) in LedgerDbContext.Version4Columns)
        {
            var property = db.Model.FindEntityType(rowType)!.FindProperty(name)!;
            var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(tableName);
            var column = property.GetColumnName(table)!;
            // A ledger upgraded from version 1 got the controls table from this build's model, the column included.
            if (await ColumnExistsAsync(db, tableName, column, cancellationToken).ConfigureAwait(false)) continue;
            var alter = $"ALTER TABLE {tableName} ADD COLUMN {column} {property.GetColumnType(table)} {nullability}";
            await db.Database.ExecuteSqlRawAsync(alter, cancellationToken).ConfigureAwait(false);
        }
        string[] legacy =
        [
            $"UPDATE {LedgerDbContext.ExperimentsTable} SET origin = 'Fallback' WHERE proposer_name LIKE '% (fallback)'",
            $"UPDATE {LedgerDbContext.ExperimentsTable} SET origin = 'Model' WHERE proposer_name = 'llm'",
            $"UPDATE {LedgerDbContext.ControlsTable} SET outcome_kind = CASE WHEN outcome LIKE 'refused%' THEN 'Refused' WHEN outcome LIKE 'nothing%' THEN 'NoOp' ELSE 'Applied' END WHERE applied_at IS NOT NULL",
        ];
        foreach (var sql in legacy)
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken).ConfigureAwait(false);

        db.SchemaVersions.Add(new SchemaVersionRow { Version = 4, AppliedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Upgraded the ledger schema from version 3 to 4 ({Provider}): typed control outcomes and proposal origins.", settings.Provider);
    }

    private async Task<bool> ColumnExistsAsync(LedgerDbContext db, string table, string column, CancellationToken cancellationToken)
    {
        var sql = settings.Provider == LedgerProvider.Sqlite
            ? $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'"
            : $"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'";
        var count = await ScalarAsync(db, sql, cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private async Task<bool> SchemaTableExistsAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var sql = settings.Provider == LedgerProvider.Sqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{LedgerDbContext.SchemaVersionTable}'"
            : $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{LedgerDbContext.SchemaVersionTable}'";
        var count = await ScalarAsync(db, sql, cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<object?> ScalarAsync(LedgerDbContext db, string sql, CancellationToken cancellationToken)
    {
        DbConnection connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
