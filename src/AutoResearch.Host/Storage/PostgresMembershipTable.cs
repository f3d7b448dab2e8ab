using Npgsql;
using Orleans.Runtime;
using Orleans.Serialization;

namespace AutoResearch.Host.Storage;

/// <summary>
/// The cluster's membership (which silos exist and which are alive) in the cluster's PostgreSQL database: one version row per
/// cluster (<c>orleans_membership_version</c>) and one row per silo (<c>orleans_membership</c>) holding the entry in Orleans'
/// binary serializer. Every insert or update moves the version row forward only if its ETag is still the one the caller read,
/// in the same transaction as the silo row, which is the optimistic concurrency Orleans' membership protocol relies on.
/// </summary>
public sealed class PostgresMembershipTable(PostgresTables tables, string clusterId, Serializer serializer) : IMembershipTable
{
    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        await using var connection = await tables.OpenAsync();
        if (!tryInitTableVersion) return;
        await using var command = new NpgsqlCommand(
            "INSERT INTO orleans_membership_version (cluster_id, version, etag) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING", connection);
        command.Parameters.Add(new() { Value = clusterId });
        command.Parameters.Add(new() { Value = NewETag() });
        await command.ExecuteNonQueryAsync();
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using var connection = await tables.OpenAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("DELETE FROM orleans_membership WHERE cluster_id = $1") { Parameters = { new() { Value = clusterId } } },
                new NpgsqlBatchCommand("DELETE FROM orleans_membership_version WHERE cluster_id = $1") { Parameters = { new() { Value = clusterId } } },
            },
        };
        await batch.ExecuteNonQueryAsync();
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand(
            "DELETE FROM orleans_membership WHERE cluster_id = $1 AND i_am_alive < $2 AND status <> $3", connection);
        command.Parameters.Add(new() { Value = clusterId });
        command.Parameters.Add(new() { Value = beforeDate.UtcDateTime });
        command.Parameters.Add(new() { Value = (int)SiloStatus.Active });
        await command.ExecuteNonQueryAsync();
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadAsync(key);

    public Task<MembershipTableData> ReadAll() => ReadAsync(null);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => WriteRowAsync("""
        INSERT INTO orleans_membership (cluster_id, address, status, entry, i_am_alive, etag) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT DO NOTHING
        """, entry, tableVersion, expectedEtag: null);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => WriteRowAsync("""
        UPDATE orleans_membership SET status = $3, entry = $4, i_am_alive = $5, etag = $6
        WHERE cluster_id = $1 AND address = $2 AND etag = $7
        """, entry, tableVersion, etag);

    /// <summary>
    /// Writes one silo's row and moves the table version in one transaction: false (nothing written) when the version or the
    /// row's etag (<paramref name="expectedEtag"/>, parameter $7 of an update) moved on meanwhile.
    /// </summary>
    private async Task<bool> WriteRowAsync(string sql, MembershipEntry entry, TableVersion tableVersion, string? expectedEtag)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        await using var connection = await tables.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (!await MoveVersionAsync(connection, transaction, tableVersion)) return false;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        AddEntry(command, entry, NewETag());
        if (expectedEtag is not null) command.Parameters.Add(new() { Value = expectedEtag });
        if (await command.ExecuteNonQueryAsync() != 1) return false;
        await transaction.CommitAsync();
        return true;
    }

    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await tables.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE orleans_membership SET i_am_alive = $3 WHERE cluster_id = $1 AND address = $2", connection);
        command.Parameters.Add(new() { Value = clusterId });
        command.Parameters.Add(new() { Value = entry.SiloAddress.ToParsableString() });
        command.Parameters.Add(new() { Value = DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc) });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<MembershipTableData> ReadAsync(SiloAddress? key)
    {
        await using var connection = await tables.OpenAsync();
        // One snapshot for the version row and the silo rows, so they agree.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        TableVersion version;
        await using (var command = new NpgsqlCommand("SELECT version, etag FROM orleans_membership_version WHERE cluster_id = $1", connection, transaction))
        {
            command.Parameters.Add(new() { Value = clusterId });
            await using var reader = await command.ExecuteReaderAsync();
            version = await reader.ReadAsync() ? new TableVersion(reader.GetInt32(0), reader.GetString(1)) : new TableVersion(0, "0");
        }
        var rows = new List<Tuple<MembershipEntry, string>>();
        await using (var command = new NpgsqlCommand(
            "SELECT entry, i_am_alive, etag FROM orleans_membership WHERE cluster_id = $1" + (key is null ? "" : " AND address = $2"), connection, transaction))
        {
            command.Parameters.Add(new() { Value = clusterId });
            if (key is not null) command.Parameters.Add(new() { Value = key.ToParsableString() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var entry = serializer.Deserialize<MembershipEntry>((byte[])reader[0])
                    ?? throw new InvalidDataException($"A membership row of cluster {clusterId} holds no entry.");
                entry.IAmAliveTime = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
                rows.Add(Tuple.Create(entry, reader.GetString(2)));
            }
        }
        await transaction.CommitAsync();
        return new MembershipTableData(rows, version);
    }

    /// <summary>Moves the version row to <paramref name="next"/> if its ETag is still the one read; false when someone else moved it.</summary>
    private async Task<bool> MoveVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TableVersion next)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE orleans_membership_version SET version = $2, etag = $3 WHERE cluster_id = $1 AND etag = $4", connection, transaction);
        command.Parameters.Add(new() { Value = clusterId });
        command.Parameters.Add(new() { Value = next.Version });
        command.Parameters.Add(new() { Value = NewETag() });
        command.Parameters.Add(new() { Value = next.VersionEtag });
        return await command.ExecuteNonQueryAsync() == 1;
    }

    private void AddEntry(NpgsqlCommand command, MembershipEntry entry, string etag)
    {
        command.Parameters.Add(new() { Value = clusterId });
        command.Parameters.Add(new() { Value = entry.SiloAddress.ToParsableString() });
        command.Parameters.Add(new() { Value = (int)entry.Status });
        command.Parameters.Add(new() { Value = serializer.SerializeToArray(entry) });
        command.Parameters.Add(new() { Value = DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc) });
        command.Parameters.Add(new() { Value = etag });
    }

    private static string NewETag() => Guid.NewGuid().ToString("N");
}
