using System.Collections.Concurrent;
using Npgsql;

namespace AutoResearch.Host.Storage;

/// <summary>
/// Connections to the cluster's PostgreSQL database for the silo's own Orleans providers (grain state, reminders, membership).
/// The first connection opened per connection string creates every table the cluster needs (idempotent
/// <c>CREATE … IF NOT EXISTS</c> under an advisory lock, so silos starting together do not race): the deployment creates its
/// database objects itself, nobody applies scripts by hand. Tables are named <c>orleans_*</c>, apart from the ledger's
/// <c>ledger_*</c> and from Orleans' own ADO.NET tables.
/// </summary>
public sealed class PostgresTables
{
    /// <summary>Tables for grain state, reminders and membership, keyed by service id (state, reminders) or cluster id (membership).</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS orleans_grain_state (
            service_id text   NOT NULL,
            state_name text   NOT NULL,
            grain_id   text   NOT NULL,
            etag       text   NOT NULL,
            data       bytea  NOT NULL,
            PRIMARY KEY (service_id, state_name, grain_id));
        CREATE TABLE IF NOT EXISTS orleans_reminders (
            service_id text   NOT NULL,
            grain_id   text   NOT NULL,
            name       text   NOT NULL,
            grain_hash bigint NOT NULL,
            start_at   bigint NOT NULL,
            period_ms  bigint NOT NULL,
            etag       text   NOT NULL,
            PRIMARY KEY (service_id, grain_id, name));
        CREATE INDEX IF NOT EXISTS orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);
        CREATE TABLE IF NOT EXISTS orleans_membership_version (
            cluster_id text    NOT NULL PRIMARY KEY,
            version    integer NOT NULL,
            etag       text    NOT NULL);
        CREATE TABLE IF NOT EXISTS orleans_membership (
            cluster_id text        NOT NULL,
            address    text        NOT NULL,
            status     integer     NOT NULL,
            entry      bytea       NOT NULL,
            i_am_alive timestamptz NOT NULL,
            etag       text        NOT NULL,
            PRIMARY KEY (cluster_id, address));
        """;

    // Any constant: serialises schema creation between silos starting at the same time.
    private const long SchemaLock = 0x4155_544F_5245_5331;

    private static readonly ConcurrentDictionary<string, PostgresTables> Shared = new(StringComparer.Ordinal);

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _created;

    private PostgresTables(string connectionString) => _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <summary>One instance (one connection pool, one schema check) per connection string in this process.</summary>
    public static PostgresTables For(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Shared.GetOrAdd(connectionString, cs => new PostgresTables(cs));
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (_created) return connection;
        await _init.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLock});\n{Schema}", connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                _created = true;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        finally
        {
            _init.Release();
        }
        return connection;
    }
}
