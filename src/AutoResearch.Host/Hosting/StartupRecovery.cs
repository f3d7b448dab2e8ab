using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Host.Hosting;

/// <summary>
/// Runs before the silo starts: makes sure the ledger exists, then removes sandboxes a previous (killed) process of this
/// installation left behind. Their experiments stay queued/running in the ledger and their agents re-run them.
/// The work is done in <see cref="StartingAsync"/>, which the host runs for every service before any <c>StartAsync</c>:
/// Orleans puts its silo's hosted service first, so a plain <c>StartAsync</c> here would run after grains could activate.
/// </summary>
public sealed class StartupRecovery(LedgerInitializer ledger, ISandboxRunner sandbox, ILogger<StartupRecovery> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await ledger.EnsureCreatedAsync(cancellationToken);
        var reaped = await sandbox.ReapAsync(cancellationToken);
        if (reaped.Count > 0)
            logger.LogWarning("Removed {Count} sandboxes left by a previous run: {Experiments}", reaped.Count, reaped);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
