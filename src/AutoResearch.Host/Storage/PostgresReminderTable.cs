using Npgsql;
using Orleans.Runtime;

namespace AutoResearch.Host.Storage;

/// <summary>
/// Orleans reminders in the cluster's PostgreSQL database (table <c>orleans_reminders</c>), so a campaign's reminders fire on
/// whichever silo owns the grain's hash range, also after the silo that registered them died. Rows are keyed by service id,
/// grain and name; optimistic concurrency by ETag, like <see cref="SqliteReminderTable"/>.
/// </summary>
public sealed class PostgresReminderTable(PostgresTables tables, string serviceId) : IReminderTable
{
    private const string Columns = "grain_id, name, start_at, period_ms, etag";

    /// <summary>Creates the tables when the reminder service starts, so the first registration does not pay for it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await using var _ = await tables.OpenAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $1 AND grain_id = $2", connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = grainId.ToString() });
        return new ReminderTableData(await StorageRows.ReadRemindersAsync(command));
    }

    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        await using var connection = await tables.OpenAsync();
        // The range (begin, end] of the hash ring; begin >= end wraps around.
        var range = begin < end ? "grain_hash > $2 AND grain_hash <= $3" : "(grain_hash > $2 OR grain_hash <= $3)";
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM orleans_reminders WHERE service_id = $1 AND {range}", connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = (long)begin });
        command.Parameters.Add(new() { Value = (long)end });
        return new ReminderTableData(await StorageRows.ReadRemindersAsync(command));
    }

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM orleans_reminders WHERE service_id = $1 AND grain_id = $2 AND name = $3", connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = grainId.ToString() });
        command.Parameters.Add(new() { Value = reminderName });
        return (await StorageRows.ReadRemindersAsync(command)).FirstOrDefault();
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO orleans_reminders (service_id, grain_id, name, grain_hash, start_at, period_ms, etag) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (service_id, grain_id, name) DO UPDATE SET grain_hash = $4, start_at = $5, period_ms = $6, etag = $7
            """, connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = entry.GrainId.ToString() });
        command.Parameters.Add(new() { Value = entry.ReminderName });
        command.Parameters.Add(new() { Value = (long)entry.GrainId.GetUniformHashCode() });
        command.Parameters.Add(new() { Value = DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc).Ticks });
        command.Parameters.Add(new() { Value = (long)entry.Period.TotalMilliseconds });
        command.Parameters.Add(new() { Value = etag });
        await command.ExecuteNonQueryAsync();
        entry.ETag = etag;
        return etag;
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand(
            "DELETE FROM orleans_reminders WHERE service_id = $1 AND grain_id = $2 AND name = $3 AND etag = $4", connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = grainId.ToString() });
        command.Parameters.Add(new() { Value = reminderName });
        command.Parameters.Add(new() { Value = eTag });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task TestOnlyClearTable()
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM orleans_reminders WHERE service_id = $1", connection);
        command.Parameters.Add(new() { Value = serviceId });
        await command.ExecuteNonQueryAsync();
    }
}
