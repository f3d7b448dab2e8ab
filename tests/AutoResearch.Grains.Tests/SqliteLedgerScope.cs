using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Grains.Tests;

/// <summary>A real SQLite ledger and journal in a folder of their own, for the tests of the grains' plain classes (no silo).</summary>
public sealed class SqliteLedgerScope : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;

    private SqliteLedgerScope(string directory, ServiceProvider services) => (_directory, _services) = (directory, services);

    public ILedger Ledger => _services.GetRequiredService<ILedger>();

    public IJournal Journal => _services.GetRequiredService<IJournal>();

    /// <summary>A new, initialized ledger under the temporary folder (<paramref name="prefix"/> names its folder).</summary>
    public static async Task<SqliteLedgerScope> CreateAsync(string prefix)
    {
        var directory = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection()
            .AddLedger(o => o.ConnectionString = LedgerOptions.SqliteConnectionStringFor(directory))
            .AddLogging()
            .BuildServiceProvider();
        await services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        return new SqliteLedgerScope(directory, services);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
