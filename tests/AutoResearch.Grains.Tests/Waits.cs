using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Grains.Tests;

/// <summary>Polling helpers for tests that watch a campaign run.</summary>
public static class Waits
{
    public static async Task<CampaignStatus> ForEndAsync(IGrainFactory grains, string id, int seconds = 90)
    {
        var campaign = grains.GetGrain<ICampaignGrain>(id);
        var status = await campaign.GetStatus();
        await UntilAsync(async () => (status = await campaign.GetStatus()).IsTerminal, seconds);
        return status;
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, int seconds = 90, string what = "condition")
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what} not met within {seconds}s");
            await Task.Delay(100);
        }
    }
}
