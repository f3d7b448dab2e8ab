using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using Microsoft.Data.Sqlite;
using AutoResearch.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Testing.Reports;

/// <summary>
/// A real SQLite ledger and journal in a temp folder, with the real report writer (<c>AddLedger</c> + <c>AddReports</c>)
/// writing under the same folder. Everything is deleted on dispose.
/// </summary>
public sealed class ReportLedger : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ReportLedger(string directory, ServiceProvider services)
    {
        Directory = directory;
        _services = services;
    }

    public string Directory { get; }
    public ILedger Ledger => _services.GetRequiredService<ILedger>();
    public IJournal Journal => _services.GetRequiredService<IJournal>();
    public IReportWriter ReportWriter => _services.GetRequiredService<IReportWriter>();

    public static async Task<ReportLedger> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "autoresearch-report-tests", Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection()
            .AddLedger(o => o.ConnectionString = $"Data Source={Path.Combine(directory, "ledger.db")}")
            .AddReports(o => o.OutputDirectory = Path.Combine(directory, "reports"))
            .BuildServiceProvider();
        await services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync();
        return new ReportLedger(directory, services);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
