using System.Data.Common;
using Orleans.Runtime;
using Orleans.Serialization;

namespace AutoResearch.Host.Storage;

/// <summary>How our Orleans providers read their rows back, the same on SQLite and PostgreSQL.</summary>
internal static class StorageRows
{
    /// <summary>
    /// Reads a grain's state from a query answering <c>etag, data</c> (at most one row); no row is an empty state with no
    /// record, as Orleans expects.
    /// </summary>
    public static async Task ReadStateAsync<T>(DbCommand command, IGrainState<T> grainState, Serializer serializer)
    {
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.ETag = reader.GetString(0);
            grainState.State = serializer.Deserialize<T>((byte[])reader[1]);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        }
    }

    /// <summary>Reminder rows from a query answering <c>grain_id, reminder_name, start_at (ticks), period (ms), etag</c>.</summary>
    public static async Task<List<ReminderEntry>> ReadRemindersAsync(DbCommand command)
    {
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }
        return entries;
    }
}
