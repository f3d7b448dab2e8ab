using Microsoft.Data.Sqlite;
using Orleans.Runtime;

namespace AutoResearch.Host.Storage;

/// <summary>
/// Orleans reminders in the embedded SQLite file, so a campaign's scheduled reports fire after the host restarts.
/// Optimistic concurrency by ETag like the ADO.NET reminder table; rows are found by grain and by the grain's uniform hash
/// (the range a silo owns).
/// </summary>
public sealed class SqliteReminderTable(string connectionString) : IReminderTable
{
    private readonly SqliteTables _tables = new(connectionString, """
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id   TEXT NOT NULL,
            name       TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at   INTEGER NOT NULL,
            period_ms  INTEGER NOT NULL,
            etag       TEXT NOT NULL,
            PRIMARY KEY (grain_id, name));
        CREATE INDEX IF NOT EXISTS reminders_hash ON reminders (grain_hash);
        """);

    /// <summary>Creates the table when the reminder service starts, so the first registration does not pay for it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await using var _ = await _tables.OpenAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_id, name, start_at, period_ms, etag FROM reminders WHERE grain_id = $g";
        command.Parameters.AddWithValue("$g", grainId.ToString());
        return new ReminderTableData(await StorageRows.ReadRemindersAsync(command));
    }

    public async Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        // The range (begin, end] of the hash ring; begin >= end wraps around.
        command.CommandText = begin < end
            ? "SELECT grain_id, name, start_at, period_ms, etag FROM reminders WHERE grain_hash > $b AND grain_hash <= $e"
            : "SELECT grain_id, name, start_at, period_ms, etag FROM reminders WHERE grain_hash > $b OR grain_hash <= $e";
        command.Parameters.AddWithValue("$b", (long)begin);
        command.Parameters.AddWithValue("$e", (long)end);
        return new ReminderTableData(await StorageRows.ReadRemindersAsync(command));
    }

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_id, name, start_at, period_ms, etag FROM reminders WHERE grain_id = $g AND name = $n";
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$n", reminderName);
        return (await StorageRows.ReadRemindersAsync(command)).FirstOrDefault();
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO reminders (grain_id, name, grain_hash, start_at, period_ms, etag) VALUES ($g, $n, $h, $s, $p, $e)
            ON CONFLICT (grain_id, name) DO UPDATE SET grain_hash = $h, start_at = $s, period_ms = $p, etag = $e
            """;
        command.Parameters.AddWithValue("$g", entry.GrainId.ToString());
        command.Parameters.AddWithValue("$n", entry.ReminderName);
        command.Parameters.AddWithValue("$h", (long)entry.GrainId.GetUniformHashCode());
        command.Parameters.AddWithValue("$s", DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc).Ticks);
        command.Parameters.AddWithValue("$p", (long)entry.Period.TotalMilliseconds);
        command.Parameters.AddWithValue("$e", etag);
        await command.ExecuteNonQueryAsync();
        entry.ETag = etag;
        return etag;
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM reminders WHERE grain_id = $g AND name = $n AND etag = $e";
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$n", reminderName);
        command.Parameters.AddWithValue("$e", eTag);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task TestOnlyClearTable()
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM reminders";
        await command.ExecuteNonQueryAsync();
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _tables.OpenAsync(cancellationToken);
}
