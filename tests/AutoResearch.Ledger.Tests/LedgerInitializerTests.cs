using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoResearch.Ledger.Tests;

public sealed class LedgerInitializerTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task HostedServiceAppliesEveryMigrationAndTheModelMatches(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var initializer = db.Services.GetRequiredService<LedgerInitializer>();
        var hosted = Assert.Single(db.Services.GetServices<IHostedService>());
        Assert.Same(initializer, hosted);
        Assert.False(initializer.IsInitialized);

        await hosted.StartAsync(CancellationToken.None);
        await initializer.EnsureCreatedAsync();

        Assert.True(initializer.IsInitialized);
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        Assert.Equal(backend == "sqlite" ? typeof(SqliteLedgerDbContext) : typeof(PostgresLedgerDbContext), context.GetType());
        var migrations = context.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        Assert.Equal(migrations, await context.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.False(context.Database.HasPendingModelChanges(), "the model has changes no migration holds: add one (Migrations/README.md)");
        // The pre-migrations version table is kept (so that an old build refuses this database) but no longer written.
        Assert.Empty(await context.SchemaVersions.ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task InitializingAgainAfterARestartKeepsTheData(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var campaign = TestData.NewCampaignId();
        await db.Ledger.SaveExperimentAsync(TestData.MinimalExperiment(campaign, 1));

        await db.ReopenAsync();
        await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();

        Assert.Single(await db.Ledger.GetExperimentsAsync(campaign));
        await using var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync();
        Assert.Equal(context.Database.GetMigrations(), await context.Database.GetAppliedMigrationsAsync());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task AMigrationThisBuildDoesNotKnowIsRefusedWithAClearMessage(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        const string future = "29991231000000_FromANewerBuild";
        await using (var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync())
        {
            var history = context.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>();
            await context.Database.ExecuteSqlRawAsync(history.GetInsertScript(new Microsoft.EntityFrameworkCore.Migrations.HistoryRow(future, "99.0.0")));
        }

        await db.ReopenAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Ledger.ListCampaignsAsync());
        Assert.Contains(future, error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ANewerPreMigrationsSchemaVersionIsRefusedWithAClearMessage(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        await using (var v4 = await LegacyLedger.CreateVersion4Async(db))
        {
            await Version1Ledger.ExecuteAsync(v4, $"UPDATE {LedgerDbContext.SchemaVersionTable} SET version = {LegacyLedgerSchema.FinalVersion + 1}");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Ledger.ListCampaignsAsync());
        Assert.Contains($"schema version {LegacyLedgerSchema.FinalVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteUsesWalAndABusyTimeoutOnEveryConnection()
    {
        await using var db = LedgerTestDatabase.Create("sqlite");
        await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        Assert.True(File.Exists(db.Settings.SqliteFile));
        Assert.EndsWith(LedgerOptions.DefaultFileName, db.Settings.SqliteFile, StringComparison.Ordinal);

        var factory = db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>();
        for (var i = 0; i < 3; i++)
        {
            await using var context = await factory.CreateDbContextAsync();
            await context.Database.OpenConnectionAsync();
            Assert.Equal("wal", await PragmaAsync(context, "journal_mode"));
            Assert.Equal(LedgerOptions.DefaultBusyTimeoutMs.ToString(CultureInfo.InvariantCulture), await PragmaAsync(context, "busy_timeout"));
        }

        // WAL is a property of the file: a plain connection sees it too.
        await using var plain = new SqliteConnection(db.Settings.ConnectionString);
        await plain.OpenAsync();
        await using var command = plain.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task SqliteCreatesTheDataDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "autoresearch-ledger-tests", Guid.NewGuid().ToString("N"), "nested", "data");
        try
        {
            await using (var services = new ServiceCollection().AddLedger(o => o.DataDirectory = directory).BuildServiceProvider())
            {
                Assert.Equal(1, await services.GetRequiredService<Abstractions.Ports.ILedger>().NextSequenceAsync("c"));
            }

            SqliteConnection.ClearAllPools();
            Assert.True(File.Exists(Path.Combine(directory, LedgerOptions.DefaultFileName)));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(directory))!, recursive: true);
        }
    }

    private static async Task<string> PragmaAsync(LedgerDbContext context, string name)
    {
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }
}
