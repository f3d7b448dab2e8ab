using AutoResearch.Abstractions.Ports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

/// <summary>Makes it visible when the PostgreSQL half of the theories did not run, and checks what is PostgreSQL-specific.</summary>
public sealed class PostgresSuiteTests
{
    [PostgresFact]
    public async Task ServerIsReachableAndTheLedgerUsesNpgsql()
    {
        await using var db = LedgerTestDatabase.Create("postgres");
        Assert.Equal(1, await db.Ledger.NextSequenceAsync("pg"));
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", context.Database.ProviderName);
    }

    [PostgresFact]
    public async Task TablesAreCreatedInADatabaseThatAlreadyHasOtherTables()
    {
        // E.g. Orleans' ADO.NET tables in a shared database: EnsureCreated would skip it, the initializer must not.
        await using var db = LedgerTestDatabase.Create("postgres");
        await using (var services = new ServiceCollection().AddSingleton(db.Settings)
            .AddDbContextFactory<LedgerDbContext, LedgerDbContextFactory>(db.Settings.Configure).BuildServiceProvider())
        {
            await using var context = await services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
            await context.Database.EnsureCreatedAsync();
            var tables = context.Model.GetEntityTypes().Select(e => e.GetTableName()).ToList();
            Assert.Contains(LedgerDbContext.ControlsTable, tables);
            var drop = "DROP TABLE " + string.Join(", ", tables);
            await context.Database.ExecuteSqlRawAsync(drop);
            await context.Database.ExecuteSqlRawAsync("CREATE TABLE orleansstorage (id int)");
        }

        await db.ReopenAsync();
        await db.Services.GetRequiredService<ILedger>().SaveExperimentAsync(TestData.MinimalExperiment("c", 1));
        Assert.Single(await db.Ledger.GetExperimentsAsync("c"));
    }
}
