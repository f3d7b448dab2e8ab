using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoResearch.Ledger.Tests;

public sealed class LedgerInitializerTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task HostedServiceCreatesTheSchemaAndRecordsItsVersion(string backend)
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
        var version = Assert.Single(await context.SchemaVersions.ToListAsync());
        Assert.Equal(LedgerInitializer.SchemaVersion, version.Version);
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
        Assert.Single(await context.SchemaVersions.ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task ANewerSchemaVersionIsRefusedWithAClearMessage(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        await db.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        await using (var context = await db.Services.GetRequiredService<IDbContextFactory<LedgerDbContext>>().CreateDbContextAsync())
        {
            context.SchemaVersions.Add(new Storage.SchemaVersionRow { Version = LedgerInitializer.SchemaVersion + 1, AppliedAt = DateTimeOffset.UtcNow });
            await context.SaveChangesAsync();
        }

        await db.ReopenAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Ledger.ListCampaignsAsync());
        Assert.Contains($"schema version {LedgerInitializer.SchemaVersion + 1}", error.Message, StringComparison.Ordinal);
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
