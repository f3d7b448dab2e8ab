using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Host.Hosting;

/// <summary>
/// Runs before the silo starts: makes sure the ledger exists, then removes sandboxes a previous (killed) process of this
/// installation left behind. Their experiments stay queued/running in the ledger and their agents re-run them.
/// </summary>
public sealed class StartupRecovery(LedgerInitializer ledger, ISandboxRunner sandbox, ILogger<StartupRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ledger.EnsureCreatedAsync(cancellationToken);
        var reaped = await sandbox.ReapAsync(cancellationToken);
        if (reaped.Count > 0)
            logger.LogWarning("Removed {Count} sandboxes left by a previous run: {Experiments}", reaped.Count, reaped);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
