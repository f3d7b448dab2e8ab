using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

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

    [Fact]
    public async Task Budget_top_up_adds_to_the_limits_in_force_through_the_shared_operations()
    {
        await using var data = new TestData();
        var spec = AutoResearch.Harness.CampaignLoader.Load(Path.Combine(RepoPaths.Fixture("sleepy"), "control.yaml"));
        spec = spec with { Agents = spec.Agents.Select(a => a.Id == "random-1" ? a with { CpuBudgetSeconds = 100, TokenBudget = 0 } : a).ToList() };
        var id = "topup-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        await data.Ledger.UpsertCampaignAsync(new CampaignRecord { Id = id, Name = spec.Name, Spec = spec, State = CampaignState.Paused, CreatedAt = now });
        // In force before the top-up: 150 CPU-s (an applied change); a refused change of 9999 does not count, whatever its text.
        await Applied(new BudgetChange { CpuSeconds = 150 }, ControlOutcome.Applied("applied to agent random-1: budget CPU-s 150"));
        await Applied(new BudgetChange { CpuSeconds = 9999 }, ControlOutcome.Refused("the campaign is paused"));

        // No host runs the campaign: the request is queued (exit 3) with the summed limit.
        var (exit, output) = await ControlAsync(data, "budget", id, "--agent", "random-1", "--cpu-seconds", "50", "--top-up", "--wait", "0", "--json");
        Assert.True(exit == 3, output);
        using (var json = System.Text.Json.JsonDocument.Parse(output.Split('\n').Last(l => l.TrimStart().StartsWith('{'))))
        {
            var root = json.RootElement;
            Assert.Equal(("Queued", "SetBudget", "random-1"), (root.GetProperty("status").GetString(), root.GetProperty("action").GetString(), root.GetProperty("agent").GetString()));
            Assert.Equal(200, root.GetProperty("budget").GetProperty("cpu_seconds").GetDouble());
        }
        var queued = Assert.Single(await data.Ledger.GetPendingControlsAsync(id));
        Assert.Equal((200.0, (double?)null, (long?)null), (queued.Budget!.CpuSeconds!.Value, queued.Budget.GpuSeconds, queued.Budget.Tokens));
        Assert.StartsWith("cli (", queued.RequestedBy, StringComparison.Ordinal);

        // Nothing to add to: the agent has no token limit. Refused before anything is queued.
        var (unlimitedExit, unlimitedOut) = await ControlAsync(data, "budget", id, "--agent", "random-1", "--tokens", "1000", "--top-up", "--wait", "0");
        Assert.Equal(2, unlimitedExit);
        Assert.Contains("agent random-1 has no tokens limit to top up; set one instead", unlimitedOut);
        Assert.Single(await data.Ledger.GetPendingControlsAsync(id));

        async Task Applied(BudgetChange change, ControlOutcome outcome)
        {
            var request = await data.Ledger.EnqueueControlAsync(new ControlRequest
            {
                CampaignId = id, AgentId = "random-1", Action = ControlAction.SetBudget, Budget = change, RequestedAt = now,
            });
            await data.Ledger.CompleteControlAsync(request.Id, now, outcome);
        }
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

    private static async Task<string> WaitForAsync(Func<Task<string?>> probe, int seconds = 120,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(probe))] string what = "")
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value) return value;
            Assert.True(DateTime.UtcNow < until, $"waited {seconds} s for {what}: not met");
            await Task.Delay(200);
        }
    }
}
