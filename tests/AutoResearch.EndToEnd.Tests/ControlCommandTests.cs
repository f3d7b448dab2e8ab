using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>pause, budget, resume and stop issued from other CLI processes while one runs the campaign.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ControlCommandTests
{
    [Fact]
    public async Task Another_process_pauses_tops_down_a_budget_resumes_and_stops_a_running_campaign()
    {
        await using var data = new TestData();
        var campaignFile = Path.Combine(RepoPaths.Fixture("sleepy"), "control.yaml");
        using var run = CliProcess.Start(data.Directory, "run", campaignFile, "--json");

        var id = await WaitForAsync(async () =>
        {
            Assert.False(run.HasExited, CliProcess.Tail(run.Stderr));
            var campaign = data.HasDatabase ? (await data.Ledger.ListCampaignsAsync()).SingleOrDefault() : null;
            return campaign is not null && (await data.Ledger.GetExperimentsAsync(campaign.Id)).Count(e => e.IsFinished) >= 2 ? campaign.Id : null;
        });

        var (pauseExit, pauseOut) = await ControlAsync(data, "pause", id, "--reason", "look at the curves");
        Assert.True(pauseExit == 0, pauseOut);
        Assert.Contains($"campaign {id}: paused", pauseOut);
        Assert.Equal(CampaignState.Paused, (await data.Ledger.GetCampaignAsync(id))!.State);
        // Running experiments (2–3 s each) finish; ready proposals wait queued; nothing new starts.
        await WaitForAsync(async () => (await data.Ledger.GetExperimentsAsync(id)).All(e => e.Status != ExperimentStatus.Running) ? "settled" : null);
        var whilePaused = (await data.Ledger.GetExperimentsAsync(id)).Count;
        var startedWhilePaused = (await data.Ledger.GetExperimentsAsync(id)).Count(e => e.StartedAt is not null);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(startedWhilePaused, (await data.Ledger.GetExperimentsAsync(id)).Count(e => e.StartedAt is not null));
        Assert.Equal(whilePaused, (await data.Ledger.GetExperimentsAsync(id)).Count);

        var (budgetExit, budgetOut) = await ControlAsync(data, "budget", id, "--agent", "random-1", "--cpu-seconds", "1");
        Assert.True(budgetExit == 0, budgetOut);
        Assert.Contains("applied to agent random-1: budget CPU-s 1", budgetOut);

        var (resumeExit, resumeOut) = await ControlAsync(data, "resume", id);
        Assert.True(resumeExit == 0, resumeOut);
        await WaitForAsync(async () => (await data.Ledger.GetExperimentsAsync(id)).Count >= whilePaused + 2 ? "more" : null);
        await WaitForAsync(async () => (await data.Journal.ReadAsync(id)).Any(j => j.Author == "random-1" && j.Text.StartsWith("Stopping: my budget cannot cover", StringComparison.Ordinal)) ? "spent" : null);
        var afterResume = (await data.Ledger.GetExperimentsAsync(id)).Skip(whilePaused).ToList();
        Assert.Contains(afterResume, e => e.AgentId == "explorer-1");

        var (stopExit, stopOut) = await ControlAsync(data, "stop", id, "--reason", "enough for today");
        Assert.True(stopExit == 0, stopOut + Diagnostics(data, run));
        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromMinutes(2))); // a stopped campaign is not "completed"
        var record = (await data.Ledger.GetCampaignAsync(id))!;
        Assert.Equal(CampaignState.Stopped, record.State);
        Assert.Equal("enough for today", record.Reason);
        Assert.All(await data.Ledger.GetExperimentsAsync(id), e => Assert.True(e.IsFinished, $"{e.Id} is {e.Status}"));
        Assert.Empty(await data.ContainersAsync());
        var journal = await data.Journal.ReadAsync(id);
        Assert.Contains(journal, j => j.Text.StartsWith("Campaign paused by cli", StringComparison.Ordinal) && j.Text.Contains("look at the curves", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Author == "random-1" && j.Text.StartsWith("Budget changed by cli", StringComparison.Ordinal));

        // Bad requests are refused before anything is queued.
        var (lateExit, lateOut) = await ControlAsync(data, "pause", id);
        Assert.Equal(2, lateExit);
        Assert.Contains("is stopped; there is nothing left to control", lateOut);
        var (agentExit, agentOut) = await ControlAsync(data, "pause", id, "--agent", "nobody");
        Assert.Equal(2, agentExit);
        Assert.Contains("has no agent 'nobody'; its agents: explorer-1, random-1", agentOut);
        Assert.Empty(await data.Ledger.GetPendingControlsAsync(id));
    }

    /// <summary>What the running host said, for a failure message: its stderr tail and the last lines of its log file.</summary>
    private static string Diagnostics(TestData data, CliProcess run)
    {
        var logs = Path.Combine(data.Directory, "logs");
        var last = System.IO.Directory.Exists(logs) ? System.IO.Directory.GetFiles(logs).OrderBy(f => f).LastOrDefault() : null;
        var tail = last is null ? "(no log file)" : string.Join("\n", File.ReadLines(last).TakeLast(40));
        return $"\n--- run stderr ---\n{CliProcess.Tail(run.Stderr, 3000)}\n--- log tail ---\n{CliProcess.Tail(tail, 12000)}";
    }

    private static async Task<(int Exit, string Output)> ControlAsync(TestData data, params string[] args)
    {
        using var cli = CliProcess.Start(data.Directory, args);
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(1));
        return (exit, cli.Stdout + cli.Stderr);
    }

    private static async Task<string> WaitForAsync(Func<Task<string?>> probe, int seconds = 120)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value) return value;
            Assert.True(DateTime.UtcNow < until, $"condition not met within {seconds} s");
            await Task.Delay(200);
        }
    }
}
