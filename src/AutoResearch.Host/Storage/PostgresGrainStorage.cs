using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace AutoResearch.Host.Storage;

/// <summary>
/// Grain state in the cluster's PostgreSQL database (table <c>orleans_grain_state</c>, one row per service, state and grain),
/// written with Orleans' binary serializer like <see cref="SqliteGrainStorage"/>: object graphs that share references
/// (e.g. <c>ResourceUse.Zero</c> in two fields) read back as written, which Orleans' default JSON grain-storage serializer
/// did not. Optimistic concurrency by ETag.
/// </summary>
public sealed class PostgresGrainStorage(PostgresTables tables, string serviceId, Serializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT etag, data FROM orleans_grain_state WHERE service_id = $1 AND state_name = $2 AND grain_id = $3", connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = stateName });
        command.Parameters.Add(new() { Value = grainId.ToString() });
        await StorageRows.ReadStateAsync(command, grainState, serializer);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.SerializeToArray(grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await tables.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = grainState.ETag is null
            ? "INSERT INTO orleans_grain_state (service_id, state_name, grain_id, etag, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
            : "UPDATE orleans_grain_state SET etag = $4, data = $5 WHERE service_id = $1 AND state_name = $2 AND grain_id = $3 AND etag = $6";
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = stateName });
        command.Parameters.Add(new() { Value = grainId.ToString() });
        command.Parameters.Add(new() { Value = etag });
        command.Parameters.Add(new() { Value = data });
        if (grainState.ETag is not null)
            command.Parameters.Add(new() { Value = grainState.ETag });
        if (await command.ExecuteNonQueryAsync() != 1)
            throw new InconsistentStateException($"State '{stateName}' of grain {grainId} was changed by someone else (etag {grainState.ETag ?? "none"}).");
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand(
            "DELETE FROM orleans_grain_state WHERE service_id = $1 AND state_name = $2 AND grain_id = $3", connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = stateName });
        command.Parameters.Add(new() { Value = grainId.ToString() });
        await command.ExecuteNonQueryAsync();
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }
}
