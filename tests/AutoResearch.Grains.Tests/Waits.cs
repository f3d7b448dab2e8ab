using System.Runtime.CompilerServices;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Polling helpers for tests that watch a campaign run. Every wait is bounded, each probe included (a grain or ledger call
/// that hangs cannot outlast it), and a wait that runs out throws a <see cref="TimeoutException"/> naming what it waited for:
/// the caller's words, or else the condition's own source text.
/// </summary>
public static class Waits
{
    public static async Task<CampaignStatus> ForEndAsync(IGrainFactory grains, string id, int seconds = 90)
    {
        var campaign = grains.GetGrain<ICampaignGrain>(id);
        var status = await campaign.GetStatus();
        try
        {
            await UntilAsync(async () => (status = await campaign.GetStatus()).IsTerminal, seconds, $"campaign {id} to end");
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException(
                $"{timeout.Message}; it is {status.State}, {status.Launched} launched, {status.Finished} finished, agents: " +
                string.Join("; ", status.Agents.Select(a => $"{a.Id} {a.State} '{a.Activity}'")), timeout);
        }
        return status;
    }

    /// <summary>Waits for <paramref name="task"/> at most <paramref name="seconds"/>; a timeout names <paramref name="what"/>.</summary>
    public static async Task ForAsync(Task task, double seconds, string what)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException timeout) when (!task.IsCompleted)
        {
            throw new TimeoutException($"waited {seconds} s for {what}: not done", timeout);
        }
    }

    /// <param name="what">What is waited for, as the failure names it ("every agent to report Done"); by default the condition's source.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, int seconds = 90, string? what = null,
        [CallerArgumentExpression(nameof(condition))] string conditionText = "")
    {
        var limit = TimeSpan.FromSeconds(seconds);
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            bool met;
            try
            {
                met = await condition().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                met = false;
            }
            if (met) return;
            if (DateTime.UtcNow >= until) throw new TimeoutException($"waited {seconds} s for {what ?? conditionText}: not met");
            await Task.Delay(100);
        }
    }
}
