using AutoResearch.Ledger.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AutoResearch.Ledger;

/// <summary>Validated ledger settings (see <see cref="LedgerOptions.Validate"/>): the one place a provider is chosen.</summary>
public sealed record LedgerSettings
{
    public required LedgerProvider Provider { get; init; }
    public required string ConnectionString { get; init; }

    /// <summary>SQLite <c>busy_timeout</c> set on every connection.</summary>
    public int BusyTimeoutMs { get; init; } = LedgerOptions.DefaultBusyTimeoutMs;

    /// <summary>Full path of the SQLite file; null for PostgreSQL.</summary>
    public string? SqliteFile => Provider == LedgerProvider.Sqlite
        ? Path.GetFullPath(new SqliteConnectionStringBuilder(ConnectionString).DataSource)
        : null;

    /// <summary>Points <paramref name="builder"/> at this ledger's database.</summary>
    public void Configure(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (Provider)
        {
            case LedgerProvider.Sqlite:
                builder.UseSqlite(ConnectionString);
                builder.AddInterceptors(new SqliteConnectionInterceptor(BusyTimeoutMs));
                break;
            case LedgerProvider.Postgres:
                builder.UseNpgsql(ConnectionString);
                break;
            default:
                throw new LedgerConfigurationException($"Ledger provider {Provider} is not supported.");
        }
    }
}
