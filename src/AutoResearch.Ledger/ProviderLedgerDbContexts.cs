using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AutoResearch.Ledger;

/// <summary>The ledger on SQLite: its migrations are the ones in Migrations/Sqlite.</summary>
public sealed class SqliteLedgerDbContext(DbContextOptions<LedgerDbContext> options) : LedgerDbContext(options);

/// <summary>The ledger on PostgreSQL: its migrations are the ones in Migrations/Postgres.</summary>
public sealed class PostgresLedgerDbContext(DbContextOptions<LedgerDbContext> options) : LedgerDbContext(options);

/// <summary>
/// Hands out the provider's context for <see cref="LedgerSettings.Provider"/>, so every <c>IDbContextFactory&lt;LedgerDbContext&gt;</c>
/// user gets the context whose migrations match its database.
/// </summary>
public sealed class LedgerDbContextFactory(DbContextOptions<LedgerDbContext> options, LedgerSettings settings) : IDbContextFactory<LedgerDbContext>
{
    public LedgerDbContext CreateDbContext() => settings.Provider switch
    {
        LedgerProvider.Sqlite => new SqliteLedgerDbContext(options),
        LedgerProvider.Postgres => new PostgresLedgerDbContext(options),
        _ => throw new LedgerConfigurationException($"Ledger provider {settings.Provider} is not supported."),
    };
}

/// <summary>Design time only (<c>dotnet ef migrations add … --context SqliteLedgerDbContext</c>): no database is opened.</summary>
public sealed class SqliteLedgerDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLedgerDbContext>
{
    public SqliteLedgerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LedgerDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Design time only (<c>dotnet ef migrations add … --context PostgresLedgerDbContext</c>): no database is opened.</summary>
public sealed class PostgresLedgerDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLedgerDbContext>
{
    public PostgresLedgerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LedgerDbContext>().UseNpgsql("Host=localhost;Database=autoresearch_design_time").Options);
}
