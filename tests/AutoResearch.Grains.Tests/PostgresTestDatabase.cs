using Npgsql;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// A fresh PostgreSQL database for one test, on the server of <c>AUTORESEARCH_TEST_POSTGRES</c> (<c>./build.sh test</c> starts one
/// from the machine's binaries), dropped afterwards.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "AUTORESEARCH_TEST_POSTGRES";
    public const string ServiceId = "autoresearch-pg-test";

    private PostgresTestDatabase(string connectionString) => ConnectionString = connectionString;

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString ?? throw new InvalidOperationException($"{Variable} is not set."));
        var name = "ar_silo_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        server.Database = name;
        return new PostgresTestDatabase(server.ConnectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var name = builder.Database!;
        builder.Database = "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that runs only when <c>AUTORESEARCH_TEST_POSTGRES</c> holds a PostgreSQL connection string.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ServerConnectionString is null)
            Skip = $"{PostgresTestDatabase.Variable} is not set (./build.sh test starts a PostgreSQL server and sets it): the PostgreSQL silo providers were not tested.";
    }
}
