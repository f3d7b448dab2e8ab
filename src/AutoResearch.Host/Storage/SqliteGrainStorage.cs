using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace AutoResearch.Host.Storage;

/// <summary>
/// Grain state in the embedded SQLite file, so campaigns and agents survive a killed host.
/// Optimistic concurrency by ETag, like Orleans' ADO.NET storage; values use the Orleans serializer.
/// </summary>
public sealed class SqliteGrainStorage(string connectionString, Serializer serializer) : IGrainStorage
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT NOT NULL,
            grain_id   TEXT NOT NULL,
            etag       TEXT NOT NULL,
            data       BLOB NOT NULL,
            PRIMARY KEY (state_name, grain_id));
        """);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, data FROM grain_state WHERE state_name = $s AND grain_id = $g";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        await StorageRows.ReadStateAsync(command, grainState, serializer);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.SerializeToArray(grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        if (grainState.ETag is null)
        {
            command.CommandText = "INSERT INTO grain_state (state_name, grain_id, etag, data) VALUES ($s, $g, $e, $d) ON CONFLICT DO NOTHING";
        }
        else
        {
            command.CommandText = "UPDATE grain_state SET etag = $e, data = $d WHERE state_name = $s AND grain_id = $g AND etag = $old";
            command.Parameters.AddWithValue("$old", grainState.ETag);
        }
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$e", etag);
        command.Parameters.AddWithValue("$d", data);
        if (await command.ExecuteNonQueryAsync() != 1)
            throw new InconsistentStateException($"State '{stateName}' of grain {grainId} was changed by someone else (etag {grainState.ETag ?? "none"}).");
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE state_name = $s AND grain_id = $g";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        await command.ExecuteNonQueryAsync();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private Task<SqliteConnection> OpenAsync() => _tables.OpenAsync();
}
