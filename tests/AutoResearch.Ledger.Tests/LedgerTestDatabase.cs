using AutoResearch.Abstractions.Ports;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AutoResearch.Ledger.Tests;

/// <summary>
/// A fresh ledger for one test: a SQLite file in a temp folder, or (when <c>AUTORESEARCH_TEST_POSTGRES</c> holds a
/// connection string) a fresh PostgreSQL database that is dropped afterwards.
/// </summary>
public sealed class LedgerTestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "AUTORESEARCH_TEST_POSTGRES";

    private readonly string? _directory;
    private ServiceProvider _services;

    private LedgerTestDatabase(string backend, string connectionString, string? directory)
    {
        Backend = backend;
        ConnectionString = connectionString;
        _directory = directory;
        _services = Build();
    }

    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    /// <summary>"sqlite" always; "postgres" only when the environment variable is set.</summary>
    public static TheoryData<string> Backends
    {
        get
        {
            var data = new TheoryData<string> { "sqlite" };
            if (PostgresConnectionString is not null)
            {
                data.Add("postgres");
            }

            return data;
        }
    }

    public string Backend { get; }
    public string ConnectionString { get; }
    public IServiceProvider Services => _services;
    public ILedger Ledger => _services.GetRequiredService<ILedger>();
    public IJournal Journal => _services.GetRequiredService<IJournal>();
    public LedgerSettings Settings => _services.GetRequiredService<LedgerSettings>();

    public static LedgerTestDatabase Create(string backend)
    {
        switch (backend)
        {
            case "sqlite":
                var directory = Path.Combine(Path.GetTempPath(), "autoresearch-ledger-tests", Guid.NewGuid().ToString("N"));
                return new LedgerTestDatabase(backend, LedgerOptions.SqliteConnectionStringFor(directory), directory);
            case "postgres":
                var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString
                    ?? throw new InvalidOperationException($"{PostgresVariable} is not set."))
                {
                    Database = "ar_test_" + Guid.NewGuid().ToString("N"),
                };
                return new LedgerTestDatabase(backend, builder.ConnectionString, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(backend), backend, null);
        }
    }

    /// <summary>A second, independent set of services on the same database (like another process).</summary>
    public ServiceProvider BuildIndependent() => Build();

    /// <summary>Disposes every service and connection pool, then opens the database afresh (a restart).</summary>
    public async Task ReopenAsync()
    {
        await _services.DisposeAsync();
        ClearPools();
        _services = Build();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        ClearPools();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            var database = builder.Database!;
            builder.Database = "postgres";
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private ServiceProvider Build() =>
        new ServiceCollection().AddLedger(o => o.ConnectionString = ConnectionString).BuildServiceProvider();

    private void ClearPools()
    {
        if (Backend == "sqlite")
        {
            SqliteConnection.ClearAllPools();
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
        }
    }
}
