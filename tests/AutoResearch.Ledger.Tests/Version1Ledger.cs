using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AutoResearch.Ledger.Tests;

/// <summary>
/// A ledger database exactly as schema version 1 wrote it (commit fba384f: the row classes and <c>LedgerDbContext</c> of that
/// build, i.e. what its <c>CreateTablesAsync</c> emitted), written with plain ADO.NET so that no code of this build shapes it.
/// </summary>
internal static class Version1Ledger
{
    /// <summary>Version 1 on SQLite: five tables, four indexes.</summary>
    public static readonly string[] SqliteDdl =
    [
        """
        CREATE TABLE "ledger_campaigns" (
            "id" TEXT NOT NULL CONSTRAINT "pk_ledger_campaigns" PRIMARY KEY,
            "name" TEXT NOT NULL,
            "state" TEXT NOT NULL,
            "created_at" TEXT NOT NULL,
            "started_at" TEXT NULL,
            "ended_at" TEXT NULL,
            "deadline" TEXT NULL,
            "reason" TEXT NULL,
            "spec_json" TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE "ledger_experiments" (
            "id" TEXT NOT NULL CONSTRAINT "pk_ledger_experiments" PRIMARY KEY,
            "campaign_id" TEXT NOT NULL,
            "agent_id" TEXT NOT NULL,
            "sequence" INTEGER NOT NULL,
            "proposer_name" TEXT NOT NULL,
            "status" TEXT NOT NULL,
            "failure" TEXT NOT NULL,
            "reason" TEXT NULL,
            "image_id" TEXT NULL,
            "container_id" TEXT NULL,
            "exit_code" INTEGER NULL,
            "queued_at" TEXT NOT NULL,
            "started_at" TEXT NULL,
            "ended_at" TEXT NULL,
            "objective" REAL NULL,
            "attempt" INTEGER NOT NULL,
            "cpu_seconds" REAL NOT NULL,
            "gpu_seconds" REAL NOT NULL,
            "seed" INTEGER NOT NULL,
            "is_baseline" INTEGER NOT NULL,
            "hypothesis" TEXT NOT NULL,
            "diff" TEXT NULL,
            "log_head" TEXT NOT NULL,
            "log_tail" TEXT NOT NULL,
            "parameters_json" TEXT NOT NULL,
            "metrics_json" TEXT NOT NULL,
            "edited_files_json" TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE "ledger_journal" (
            "id" INTEGER NOT NULL CONSTRAINT "pk_ledger_journal" PRIMARY KEY AUTOINCREMENT,
            "campaign_id" TEXT NOT NULL,
            "author" TEXT NOT NULL,
            "kind" TEXT NOT NULL,
            "text" TEXT NOT NULL,
            "experiment_id" TEXT NULL,
            "at" TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE "ledger_schema_version" (
            "version" INTEGER NOT NULL CONSTRAINT "pk_ledger_schema_version" PRIMARY KEY,
            "applied_at" TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE "ledger_sequences" (
            "campaign_id" TEXT NOT NULL CONSTRAINT "pk_ledger_sequences" PRIMARY KEY,
            "last_sequence" INTEGER NOT NULL
        )
        """,
        """CREATE INDEX "ix_ledger_campaigns_created_at" ON "ledger_campaigns" ("created_at")""",
        """CREATE INDEX "ix_ledger_experiments_campaign_id_sequence" ON "ledger_experiments" ("campaign_id", "sequence")""",
        """CREATE INDEX "ix_ledger_experiments_campaign_id_status" ON "ledger_experiments" ("campaign_id", "status")""",
        """CREATE INDEX "ix_ledger_journal_campaign_id_id" ON "ledger_journal" ("campaign_id", "id")""",
    ];

    /// <summary>Version 1 on PostgreSQL: the same tables with Npgsql's types.</summary>
    public static readonly string[] PostgresDdl =
    [
        """
        CREATE TABLE ledger_campaigns (
            id text NOT NULL,
            name text NOT NULL,
            state text NOT NULL,
            created_at character varying(28) NOT NULL,
            started_at character varying(28),
            ended_at character varying(28),
            deadline character varying(28),
            reason text,
            spec_json text NOT NULL,
            CONSTRAINT pk_ledger_campaigns PRIMARY KEY (id)
        )
        """,
        """
        CREATE TABLE ledger_experiments (
            id text NOT NULL,
            campaign_id text NOT NULL,
            agent_id text NOT NULL,
            sequence integer NOT NULL,
            proposer_name text NOT NULL,
            status text NOT NULL,
            failure text NOT NULL,
            reason text,
            image_id text,
            container_id text,
            exit_code bigint,
            queued_at character varying(28) NOT NULL,
            started_at character varying(28),
            ended_at character varying(28),
            objective double precision,
            attempt integer NOT NULL,
            cpu_seconds double precision NOT NULL,
            gpu_seconds double precision NOT NULL,
            seed integer NOT NULL,
            is_baseline boolean NOT NULL,
            hypothesis text NOT NULL,
            diff text,
            log_head text NOT NULL,
            log_tail text NOT NULL,
            parameters_json text NOT NULL,
            metrics_json text NOT NULL,
            edited_files_json text NOT NULL,
            CONSTRAINT pk_ledger_experiments PRIMARY KEY (id)
        )
        """,
        """
        CREATE TABLE ledger_journal (
            id bigint GENERATED BY DEFAULT AS IDENTITY,
            campaign_id text NOT NULL,
            author text NOT NULL,
            kind text NOT NULL,
            text text NOT NULL,
            experiment_id text,
            at character varying(28) NOT NULL,
            CONSTRAINT pk_ledger_journal PRIMARY KEY (id)
        )
        """,
        """
        CREATE TABLE ledger_schema_version (
            version integer NOT NULL,
            applied_at character varying(28) NOT NULL,
            CONSTRAINT pk_ledger_schema_version PRIMARY KEY (version)
        )
        """,
        """
        CREATE TABLE ledger_sequences (
            campaign_id text NOT NULL,
            last_sequence integer NOT NULL,
            CONSTRAINT pk_ledger_sequences PRIMARY KEY (campaign_id)
        )
        """,
        "CREATE INDEX ix_ledger_campaigns_created_at ON ledger_campaigns (created_at)",
        "CREATE INDEX ix_ledger_experiments_campaign_id_sequence ON ledger_experiments (campaign_id, sequence)",
        "CREATE INDEX ix_ledger_experiments_campaign_id_status ON ledger_experiments (campaign_id, status)",
        "CREATE INDEX ix_ledger_journal_campaign_id_id ON ledger_journal (campaign_id, id)",
    ];

    /// <summary>
    /// Creates the version 1 schema in <paramref name="db"/>'s database (the SQLite file, or a new PostgreSQL database) with its
    /// version row, and returns an open plain connection to it for inserting version 1 rows.
    /// </summary>
    public static Task<DbConnection> CreateAsync(LedgerTestDatabase db) => CreateAsync(db, SqliteDdl, PostgresDdl, version: 1);

    /// <summary>Creates a pre-migrations schema from its DDL (per backend) with its version row; returns an open plain connection to it.</summary>
    public static async Task<DbConnection> CreateAsync(LedgerTestDatabase db, string[] sqliteDdl, string[] postgresDdl, int version)
    {
        DbConnection connection;
        string[] ddl;
        if (db.Backend == "sqlite")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(db.Settings.SqliteFile)!);
            connection = new SqliteConnection($"Data Source={db.Settings.SqliteFile}");
            ddl = sqliteDdl;
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
            var database = builder.Database!;
            builder.Database = "postgres";
            await using (var admin = new NpgsqlConnection(builder.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            connection = new NpgsqlConnection(db.ConnectionString);
            ddl = postgresDdl;
        }

        await connection.OpenAsync();
        if (db.Backend == "sqlite")
        {
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL");
        }

        foreach (var sql in ddl)
        {
            await ExecuteAsync(connection, sql);
        }

        await InsertAsync(connection, LedgerDbContext.SchemaVersionTable, new() { ["version"] = version, ["applied_at"] = "2026-11-16T08:00:00.0000000Z" });
        return connection;
    }

    /// <summary>Inserts one row given as column → value (null for SQL NULL), with parameters.</summary>
    public static async Task InsertAsync(DbConnection connection, string table, Dictionary<string, object?> values)
    {
        await using var command = connection.CreateCommand();
        var names = values.Keys.ToList();
        command.CommandText =
            $"INSERT INTO {table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => "@p" + i))})";
        for (var i = 0; i < names.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = values[names[i]] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    public static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rows of a query, each as column → value.</summary>
    public static async Task<List<Dictionary<string, object?>>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
