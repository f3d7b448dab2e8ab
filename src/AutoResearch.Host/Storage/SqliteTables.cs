using Microsoft.Data.Sqlite;

namespace AutoResearch.Host.Storage;

/// <summary>
/// Connections to the embedded SQLite file for one store: the first connection opened (WAL mode) creates the store's
/// tables with <paramref name="schema"/> (idempotent <c>CREATE … IF NOT EXISTS</c>); later ones just open.
/// </summary>
internal sealed class SqliteTables(string connectionString, string schema)
{
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _created;

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (_created) return connection;
        await _init.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = WAL;\n" + schema;
                await command.ExecuteNonQueryAsync(cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _init.Release();
        }
        return connection;
    }
}
