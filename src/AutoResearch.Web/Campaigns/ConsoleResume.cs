using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Campaigns;

/// <summary>After the silo has started: resumes the campaigns this console started that were unfinished when it stopped.</summary>
public sealed class ConsoleResume(ConsoleCampaigns campaigns, IOptions<ConsoleOptions> options, IHostApplicationLifetime lifetime, ILogger<ConsoleResume> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ResumeOnStart) return;
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        try
        {
            var resumed = await campaigns.ResumeOwnAsync(stoppingToken);
            if (resumed.Count > 0)
                logger.LogInformation("Resumed {Count} campaigns the console had started: {Campaigns}", resumed.Count, resumed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Resuming the console's unfinished campaigns failed; resume them from their pages");
        }
    }
}
