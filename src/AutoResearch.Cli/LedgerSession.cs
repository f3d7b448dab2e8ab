using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoResearch.Cli;

/// <summary>
/// What the ledger-reading commands (status, report, journal, note and the controls) open: the storage-only host with the
/// ledger created if missing, and the one way they look a campaign up and say it is missing.
/// </summary>
public sealed class LedgerSession : IDisposable
{
    private readonly IHost _host;

    private LedgerSession(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;
    public ILedger Ledger => Services.GetRequiredService<ILedger>();
    public IJournal Journal => Services.GetRequiredService<IJournal>();

    public static async Task<LedgerSession> OpenAsync(string? dataDirectory, CancellationToken cancellationToken)
    {
        var host = CliHost.BuildStorageOnly(dataDirectory);
        try
        {
            await host.Services.GetRequiredService<LedgerInitializer>().EnsureCreatedAsync(cancellationToken);
            return new LedgerSession(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The campaign, or null after telling stderr it is not in the ledger and how to list campaigns.</summary>
    public async Task<CampaignRecord?> FindCampaignAsync(string id, CancellationToken cancellationToken)
    {
        var campaign = await Ledger.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
            await Console.Error.WriteLineAsync(NoSuchCampaign(id));
        return campaign;
    }

    /// <summary>What the commands say of a campaign the ledger does not have.</summary>
    public static string NoSuchCampaign(string id) => $"No campaign '{id}' in the ledger. Run 'autoresearch status' to list campaigns.";

    /// <summary>Writes <paramref name="message"/> to stderr and returns <paramref name="exitCode"/> (2: bad input).</summary>
    public static async Task<int> FailAsync(string message, int exitCode = 2)
    {
        await Console.Error.WriteLineAsync(message);
        return exitCode;
    }

    public void Dispose() => _host.Dispose();
}
