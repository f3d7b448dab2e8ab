using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Ledger;

/// <summary>
/// Ledgers made before EF Core migrations: their schema version (1–4) is in <c>ledger_schema_version</c> and there is no
/// migrations history. <see cref="BaselineAsync"/> runs the old in-place upgrades up to version 4, which is exactly the schema
/// of the initial migration, and records that migration as applied; <c>Migrate</c> then applies the later ones.
/// Every statement here comes from frozen text: the upgrades' column and table definitions are read from the initial
/// migration (never from the current model, which later migrations change).
/// </summary>
public static class LegacyLedgerSchema
{
    /// <summary>The last schema version of the pre-migrations ledgers; the initial migration has its schema.</summary>
    public const int FinalVersion = 4;

    private const string Experiments = LedgerDbContext.ExperimentsTable;
    private const string Controls = LedgerDbContext.ControlsTable;

    /// <summary>Version 2: the tables it added, and its experiment columns with the SQL default of the non-null ones.</summary>
    private static readonly string[] Version2Tables = [LedgerDbContext.LeaderboardTable, LedgerDbContext.ModelCallsTable, Controls];

    private static readonly (string Column, string? Default)[] Version2ExperimentColumns =
    [
        ("kind", "'Proposal'"), ("repeat_of", null), ("verdict", "'NotJudged'"), ("confidence", null), ("margin", null),
        ("slot_started_at", null), ("slot_ended_at", null), ("tokens", "0"),
    ];

    /// <summary>Version 3: sandbox notes and truncated artifacts kept on every experiment.</summary>
    private static readonly (string Column, string? Default)[] Version3ExperimentColumns = [("notes_json", "'[]'"), ("artifacts_truncated", "FALSE")];

    /// <summary>Version 4: typed outcomes (the experiments' proposal origin, the controls' outcome kind).</summary>
    private static readonly (string Table, string Column, string? Default)[] Version4Columns =
        [(Experiments, "origin", "'Strategy'"), (Controls, "outcome_kind", null)];

    /// <summary>
    /// When <paramref name="db"/> is a pre-migrations ledger, upgrades it to version 4 and records the initial migration as
    /// applied, in one transaction (SQLite: the write lock; PostgreSQL: the caller holds the initializer's advisory lock).
    /// Returns whether it did. A fresh database, or one already on migrations, is left alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">The recorded version is newer than 4, or below 1.</exception>
    public static async Task<bool> BaselineAsync(LedgerDbContext db, LedgerProvider provider, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(logger);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (!await TableExistsAsync(db, provider, LedgerDbContext.SchemaVersionTable, cancellationToken).ConfigureAwait(false))
            {
                return false; // a new database: the migrations create everything
            }

            // Read by hand: Npgsql's history repository probes with a statement that fails (and so aborts this transaction) when the table is missing.
            var history = db.GetService<IHistoryRepository>();
            if (await TableExistsAsync(db, provider, HistoryRepository.DefaultTableName, cancellationToken).ConfigureAwait(false)
                && Convert.ToInt64(await ScalarAsync(db, $"SELECT COUNT(*) FROM \"{HistoryRepository.DefaultTableName}\"", cancellationToken).ConfigureAwait(false),
                    CultureInfo.InvariantCulture) > 0)
            {
                return false; // already on migrations
            }

            var found = await ScalarAsync(db, $"SELECT MAX(version) FROM {LedgerDbContext.SchemaVersionTable}", cancellationToken).ConfigureAwait(false);
            var version = found is null or DBNull ? 0 : Convert.ToInt32(found, CultureInfo.InvariantCulture);
            if (version > FinalVersion)
            {
                throw new InvalidOperationException(
                    $"The ledger database has schema version {version}, newer than this build understands ({FinalVersion}). Upgrade AutoResearch.");
            }

            if (version < 1)
            {
                throw new InvalidOperationException(
                    $"The ledger database has schema version {version}; this build needs {FinalVersion} and has no upgrade from it.");
            }

            var migrations = db.GetService<IMigrationsAssembly>();
            var (initialId, initialType) = migrations.Migrations.First();
            var initial = migrations.CreateMigration(initialType, db.Database.ProviderName!).UpOperations;
            var upgrade = new Upgrade(db, initial, cancellationToken);
            var from = version;

            if (version == 1)
            {
                await upgrade.AddColumnsAsync(Version2ExperimentColumns.Select(c => (Experiments, c.Column, c.Default))).ConfigureAwait(false);
                await upgrade.SqlAsync($"UPDATE {Experiments} SET kind = 'Baseline' WHERE is_baseline = TRUE").ConfigureAwait(false);
                await upgrade.CreateTablesAsync(Version2Tables).ConfigureAwait(false);
                await upgrade.RecordVersionAsync(version = 2).ConfigureAwait(false);
            }

            if (version == 2)
            {
                await upgrade.AddColumnsAsync(Version3ExperimentColumns.Select(c => (Experiments, c.Column, c.Default))).ConfigureAwait(false);
                await upgrade.RecordVersionAsync(version = 3).ConfigureAwait(false);
            }

            if (version == 3)
            {
                // A ledger upgraded from version 1 by a version 3 or 4 build got the controls table with outcome_kind already.
                var missing = new List<(string, string, string?)>();
                foreach (var column in Version4Columns)
                {
                    if (!await ColumnExistsAsync(db, provider, column.Table, column.Column, cancellationToken).ConfigureAwait(false))
                        missing.Add(column);
                }

                await upgrade.AddColumnsAsync(missing).ConfigureAwait(false);
                await upgrade.SqlAsync($"UPDATE {Experiments} SET origin = 'Fallback' WHERE proposer_name LIKE '% (fallback)'").ConfigureAwait(false);
                await upgrade.SqlAsync($"UPDATE {Experiments} SET origin = 'Model' WHERE proposer_name = 'llm'").ConfigureAwait(false);
                await upgrade.SqlAsync($"UPDATE {Controls} SET outcome_kind = CASE WHEN outcome LIKE 'refused%' THEN 'Refused' " +
                    "WHEN outcome LIKE 'nothing%' THEN 'NoOp' ELSE 'Applied' END WHERE applied_at IS NOT NULL").ConfigureAwait(false);
                await upgrade.RecordVersionAsync(version = 4).ConfigureAwait(false);
            }

            // Ledgers made before the covering index (added at version 4 without a version change) get it here.
            var covering = initial.OfType<CreateIndexOperation>().Single(i => i.Name == LedgerDbContext.ExperimentsCoveringIndex);
            await upgrade.SqlAsync($"CREATE INDEX IF NOT EXISTS {covering.Name} ON {covering.Table} ({string.Join(", ", covering.Columns)})").ConfigureAwait(false);

            await upgrade.SqlAsync(history.GetCreateIfNotExistsScript()).ConfigureAwait(false);
            await upgrade.SqlAsync(history.GetInsertScript(new HistoryRow(initialId, ProductInfo.GetVersion()))).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Upgraded the pre-migrations ledger from schema version {From} to {To} and recorded migration {Migration} as applied ({Provider}).",
                from, FinalVersion, initialId, provider);
            return true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The statements of one upgrade, generated by the provider's migrations SQL generator from the initial migration's definitions.</summary>
    private sealed class Upgrade(LedgerDbContext db, IReadOnlyList<MigrationOperation> initial, CancellationToken cancellationToken)
    {
        private readonly IMigrationsSqlGenerator _generator = db.GetService<IMigrationsSqlGenerator>();

        public Task AddColumnsAsync(IEnumerable<(string Table, string Column, string? Default)> columns)
        {
            var operations = new List<MigrationOperation>();
            foreach (var (table, name, defaultSql) in columns)
            {
                var definition = initial.OfType<CreateTableOperation>().Single(t => t.Name == table).Columns.Single(c => c.Name == name);
                var add = new AddColumnOperation
                {
                    Table = table,
                    Name = name,
                    ClrType = definition.ClrType,
                    ColumnType = definition.ColumnType,
                    IsNullable = definition.IsNullable,
                    MaxLength = definition.MaxLength,
                    DefaultValueSql = defaultSql,
                };
                add.AddAnnotations(definition.GetAnnotations());
                operations.Add(add);
            }

            return ExecuteAsync(operations);
        }

        public Task CreateTablesAsync(IReadOnlyCollection<string> tables) => ExecuteAsync(initial
            .Where(o => o is CreateTableOperation t && tables.Contains(t.Name) || o is CreateIndexOperation i && tables.Contains(i.Table))
            .ToList());

        public Task RecordVersionAsync(int version) => SqlAsync(
            $"INSERT INTO {LedgerDbContext.SchemaVersionTable} (version, applied_at) VALUES ({version}, " +
            $"'{Storage.UtcTextDateTimeOffsetConverter.ToText(DateTimeOffset.UtcNow)}')");

        public async Task SqlAsync(string sql)
        {
            await using var command = CreateCommand(db, sql);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task ExecuteAsync(IReadOnlyList<MigrationOperation> operations)
        {
            foreach (var command in _generator.Generate(operations))
                await SqlAsync(command.CommandText).ConfigureAwait(false);
        }
    }

    private static async Task<bool> TableExistsAsync(LedgerDbContext db, LedgerProvider provider, string table, CancellationToken cancellationToken)
    {
        var sql = provider == LedgerProvider.Sqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            : $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'";
        return Convert.ToInt64(await ScalarAsync(db, sql, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<bool> ColumnExistsAsync(LedgerDbContext db, LedgerProvider provider, string table, string column, CancellationToken cancellationToken)
    {
        var sql = provider == LedgerProvider.Sqlite
            ? $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'"
            : $"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'";
        return Convert.ToInt64(await ScalarAsync(db, sql, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<object?> ScalarAsync(LedgerDbContext db, string sql, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(db, sql);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand CreateCommand(LedgerDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }
}
