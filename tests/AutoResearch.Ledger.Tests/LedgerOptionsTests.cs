using AutoResearch.Abstractions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Ledger.Tests;

public sealed class LedgerOptionsTests
{
    [Theory]
    [InlineData("Data Source=/var/lib/autoresearch/autoresearch.db")]
    [InlineData("data source=ledger.db;Cache=Shared")]
    [InlineData("DataSource=ledger.db")]
    [InlineData("Filename=ledger.db")]
    public void DataSourceMeansSqlite(string connectionString)
    {
        var settings = new LedgerOptions { ConnectionString = connectionString }.Validate();

        Assert.Equal(LedgerProvider.Sqlite, settings.Provider);
        Assert.True(Path.IsPathFullyQualified(settings.SqliteFile!));
    }

    [Theory]
    [InlineData("Host=localhost;Database=autoresearch;Username=ar;Password=secret")]
    [InlineData("host=db.internal;Port=5433;Database=ar")]
    [InlineData("Server=db;Database=ar")]
    public void HostMeansPostgres(string connectionString)
    {
        var settings = new LedgerOptions { ConnectionString = connectionString }.Validate();

        Assert.Equal(LedgerProvider.Postgres, settings.Provider);
        Assert.Null(settings.SqliteFile);
        Assert.Equal(connectionString, settings.ConnectionString);
    }

    [Theory]
    [InlineData("sqlite", "Data Source=x.db", LedgerProvider.Sqlite)]
    [InlineData("SQLite", "Data Source=x.db", LedgerProvider.Sqlite)]
    [InlineData("postgres", "Host=h;Database=d", LedgerProvider.Postgres)]
    [InlineData("PostgreSQL", "Host=h;Database=d", LedgerProvider.Postgres)]
    [InlineData(" ", "Host=h;Database=d", LedgerProvider.Postgres)]
    public void AnExplicitProviderIsHonoured(string provider, string connectionString, LedgerProvider expected)
    {
        Assert.Equal(expected, new LedgerOptions { Provider = provider, ConnectionString = connectionString }.Validate().Provider);
    }

    [Fact]
    public void NoConnectionStringFallsBackToTheDataDirectoryFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ar-data");
        var settings = new LedgerOptions { DataDirectory = directory }.Validate();

        Assert.Equal(LedgerProvider.Sqlite, settings.Provider);
        Assert.Equal(Path.Combine(directory, "autoresearch.db"), settings.SqliteFile);
        Assert.Equal(LedgerOptions.DefaultBusyTimeoutMs, settings.BusyTimeoutMs);
    }

    [Fact]
    public void BusyTimeoutIsCarriedOver()
    {
        Assert.Equal(250, new LedgerOptions { ConnectionString = "Data Source=x.db", BusyTimeoutMs = 250 }.Validate().BusyTimeoutMs);
    }

    [Theory]
    [InlineData("", "no connection string")]
    [InlineData("   ", "no connection string")]
    [InlineData("Database=autoresearch;Username=ar", "cannot tell the provider")]
    [InlineData("Data Source=x.db;Host=localhost", "cannot tell the provider")]
    [InlineData("just some text", "malformed")]
    [InlineData("Data Source='unterminated", "malformed")]
    [InlineData("Data Source=:memory:", "in-memory")]
    [InlineData("Data Source=ledger;Mode=Memory", "in-memory")]
    [InlineData("Data Source=x.db;Mode=ReadOnly", "writable")]
    [InlineData("Data Source=x.db;Bogus Keyword=1", "invalid SQLite connection string")]
    [InlineData("Host=localhost;Bogus Keyword=1", "invalid PostgreSQL connection string")]
    [InlineData("Host=;Database=x", "cannot tell the provider")]
    [InlineData("Data Source=", "cannot tell the provider")]
    public void BadConnectionStringsFailWithAClearMessage(string connectionString, string expected)
    {
        var error = Assert.Throws<LedgerConfigurationException>(() => new LedgerOptions { ConnectionString = connectionString }.Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Ledger:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownProviderIsNamedInTheError()
    {
        var error = Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerOptions { Provider = "mysql", ConnectionString = "Server=x" }.Validate());

        Assert.Contains("'mysql' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProviderThatContradictsTheConnectionStringIsAnError()
    {
        Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerOptions { Provider = "sqlite", ConnectionString = "Host=localhost;Database=d" }.Validate());
        Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerOptions { Provider = "postgres", ConnectionString = "Data Source=x.db" }.Validate());
    }

    [Fact]
    public void AnExplicitPostgresProviderNeedsAHost()
    {
        var error = Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerOptions { Provider = "postgres", ConnectionString = "Database=x;Username=u" }.Validate());

        Assert.Contains("no 'Host=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANegativeBusyTimeoutIsAnError()
    {
        Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerOptions { ConnectionString = "Data Source=x.db", BusyTimeoutMs = -1 }.Validate());
    }

    [Fact]
    public void ErrorsNeverEchoThePassword()
    {
        var error = Assert.Throws<LedgerConfigurationException>(() =>
            new LedgerOptions { ConnectionString = "Password=hunter2;Database=x" }.Validate());

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLedgerValidatesWhenTheHostIsBuilt()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<LedgerConfigurationException>(() => services.AddLedger(o => o.ConnectionString = "Nonsense=1"));
        Assert.Contains("Data Source=", error.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Fact]
    public void AddLedgerSelectsPostgresByConnectionStringWithoutConnecting()
    {
        using var services = new ServiceCollection()
            .AddLedger(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Database=nowhere;Timeout=1")
            .BuildServiceProvider();

        Assert.Equal(LedgerProvider.Postgres, services.GetRequiredService<LedgerSettings>().Provider);
        Assert.IsType<EfLedger>(services.GetRequiredService<ILedger>());
        Assert.IsType<EfJournal>(services.GetRequiredService<IJournal>());
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<LedgerDbContext>>().CreateDbContext();
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", context.Database.ProviderName);
    }
}
