using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AutoResearch.Ledger;

/// <summary>Where the ledger lives. Bound from configuration (e.g. <c>Ledger:ConnectionString</c>) or set in code.</summary>
public sealed class LedgerOptions
{
    /// <summary>File name of the SQLite ledger inside the data directory.</summary>
    public const string DefaultFileName = "autoresearch.db";

    public const int DefaultBusyTimeoutMs = 5000;

    /// <summary>
    /// <c>Data Source=path/autoresearch.db</c> (SQLite) or <c>Host=...;Database=...;Username=...</c> (PostgreSQL).
    /// When empty, <see cref="DataDirectory"/>/<see cref="DefaultFileName"/> is used.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary><c>sqlite</c> or <c>postgres</c>; empty means inferred from the connection string.</summary>
    public string Provider { get; set; } = "";

    /// <summary>Data directory holding the default SQLite file when no connection string is given.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>How long a SQLite writer waits for another writer's lock before failing.</summary>
    public int BusyTimeoutMs { get; set; } = DefaultBusyTimeoutMs;

    /// <summary>The SQLite connection string of the default ledger file in <paramref name="dataDirectory"/>.</summary>
    public static string SqliteConnectionStringFor(string dataDirectory) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(Path.GetFullPath(dataDirectory), DefaultFileName) }.ConnectionString;

    /// <summary>Checks the options and picks the provider.</summary>
    /// <exception cref="LedgerConfigurationException">With a message that says what is wrong and how to fix it.</exception>
    public LedgerSettings Validate()
    {
        var connectionString = ConnectionString?.Trim() ?? "";
        if (connectionString.Length == 0)
        {
            if (string.IsNullOrWhiteSpace(DataDirectory))
            {
                throw new LedgerConfigurationException(
                    "Ledger: no connection string. Set Ledger:ConnectionString to 'Data Source=<data>/autoresearch.db' (SQLite) " +
                    "or 'Host=<server>;Database=autoresearch;Username=<user>;Password=<password>' (PostgreSQL), or set a data directory.");
            }

            connectionString = SqliteConnectionStringFor(DataDirectory);
        }

        if (BusyTimeoutMs < 0)
        {
            throw new LedgerConfigurationException($"Ledger: BusyTimeoutMs must be 0 or more (got {BusyTimeoutMs}).");
        }

        var keys = ParseKeys(connectionString);
        var provider = ResolveProvider(Provider, keys);
        return provider switch
        {
            LedgerProvider.Sqlite => ValidateSqlite(connectionString),
            _ => ValidatePostgres(connectionString),
        } with { BusyTimeoutMs = BusyTimeoutMs };
    }

    private static HashSet<string> ParseKeys(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return builder.Keys.Cast<string>().Select(k => k.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        }
        catch (ArgumentException e)
        {
            // The message of the parser never echoes the string, which may hold a password.
            throw new LedgerConfigurationException(
                "Ledger: the connection string is malformed (expected 'Key=Value;Key=Value'): " + e.Message, e);
        }
    }

    private static LedgerProvider ResolveProvider(string? provider, HashSet<string> keys)
    {
        switch (provider?.Trim().ToLowerInvariant())
        {
            case "sqlite":
                return LedgerProvider.Sqlite;
            case "postgres" or "postgresql" or "npgsql":
                return LedgerProvider.Postgres;
            case null or "":
                break;
            default:
                throw new LedgerConfigurationException(
                    $"Ledger: provider '{provider}' is not supported; use 'sqlite' or 'postgres' (or leave it empty to infer it from the connection string).");
        }

        var sqlite = keys.Overlaps(["data source", "datasource", "filename"]);
        var postgres = keys.Overlaps(["host", "server"]);
        if (sqlite && !postgres)
        {
            return LedgerProvider.Sqlite;
        }

        if (postgres && !sqlite)
        {
            return LedgerProvider.Postgres;
        }

        throw new LedgerConfigurationException(
            $"Ledger: cannot tell the provider from the connection string (keys: {string.Join(", ", keys.Order(StringComparer.Ordinal))}). " +
            "Use 'Data Source=<file>' for SQLite or 'Host=<server>;...' for PostgreSQL, or set Ledger:Provider to 'sqlite' or 'postgres'.");
    }

    private static LedgerSettings ValidateSqlite(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new LedgerConfigurationException("Ledger: invalid SQLite connection string: " + e.Message, e);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new LedgerConfigurationException("Ledger: the SQLite connection string has no 'Data Source=<file>'.");
        }

        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource.Trim() == ":memory:")
        {
            throw new LedgerConfigurationException(
                "Ledger: an in-memory SQLite database is not durable; use a file, e.g. 'Data Source=<data>/autoresearch.db'.");
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new LedgerConfigurationException("Ledger: the SQLite ledger must be writable (remove 'Mode=ReadOnly').");
        }

        return new LedgerSettings { Provider = LedgerProvider.Sqlite, ConnectionString = builder.ConnectionString };
    }

    private static LedgerSettings ValidatePostgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new LedgerConfigurationException("Ledger: invalid PostgreSQL connection string: " + e.Message, e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new LedgerConfigurationException("Ledger: the PostgreSQL connection string has no 'Host=<server>'.");
        }

        return new LedgerSettings { Provider = LedgerProvider.Postgres, ConnectionString = connectionString };
    }
}
