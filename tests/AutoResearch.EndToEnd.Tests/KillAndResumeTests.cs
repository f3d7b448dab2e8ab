using System.Text.Json;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class KillAndResumeTests
{
    [Fact]
    public async Task A_host_killed_mid_campaign_resumes_without_losing_or_repeating_experiments()
    {
        await using var data = new TestData();
        var campaignFile = Path.Combine(RepoPaths.Fixture("sleepy"), "campaign.yaml");

        string campaignId;
        List<ExperimentRecord> finishedBeforeKill;
        List<ExperimentRecord> runningAtKill;
        using (var first = CliProcess.Start(data.Directory, "run", campaignFile, "--json"))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                Assert.False(first.HasExited, "the first run ended before it could be killed:\n" + CliProcess.Tail(first.Stderr));
                Assert.True(DateTime.UtcNow < deadline, "no experiment was in flight after 3 minutes:\n" + CliProcess.Tail(first.Stderr));
                var campaign = data.HasDatabase ? (await data.Ledger.ListCampaignsAsync()).SingleOrDefault() : null;
                if (campaign is not null)
                {
                    var experiments = await data.Ledger.GetExperimentsAsync(campaign.Id);
                    var finished = experiments.Where(e => e.IsFinished).ToList();
                    var running = experiments.Where(e => e.Status == ExperimentStatus.Running && e.ContainerId is not null).ToList();
                    if (finished.Count >= 3 && running.Count >= 1)
                    {
                        first.KillHard(); // SIGKILL: no shutdown code runs, containers keep running
                        campaignId = campaign.Id;
                        break;
                    }
                }
                await Task.Delay(150);
            }
            var atKill = await data.Ledger.GetExperimentsAsync(campaignId);
            finishedBeforeKill = atKill.Where(e => e.IsFinished).ToList();
            runningAtKill = atKill.Where(e => !e.IsFinished).ToList();
        }

        Assert.NotEmpty(runningAtKill);
        Assert.NotEmpty(await data.ContainersAsync()); // the killed process left its sandboxes behind

        using (var second = CliProcess.Start(data.Directory, "run", campaignFile, "--json"))
        {
            var exit = await second.WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, $"exit {exit}\n{CliProcess.Tail(second.Stderr)}");
            Assert.Contains("Resuming", second.Stderr);
            using var summary = JsonDocument.Parse(second.LastStdoutLine);
            Assert.Equal(campaignId, summary.RootElement.GetProperty("campaign").GetString());
            Assert.Equal(10, summary.RootElement.GetProperty("experiments").GetInt32());
        }

        var all = await data.Ledger.GetExperimentsAsync(campaignId);
        Assert.Equal(10, all.Count);
        // Each number once. A number granted with a ticket that the killed process never recorded is not handed out again
        // (after a re-activation its agent could still hold it), so the numbers may skip one per slot (2), no more.
        Assert.Equal(10, all.Select(e => e.Sequence).Distinct().Count());
        Assert.InRange(all.Max(e => e.Sequence), 9, 9 + 2);
        Assert.All(all, e => Assert.True(e.IsFinished, $"{e.Id} is {e.Status}"));

        foreach (var before in finishedBeforeKill)
        {
            var after = Assert.Single(all, e => e.Id == before.Id);
            Assert.Equal(before.EndedAt, after.EndedAt); // not run again
            Assert.Equal(before.ContainerId, after.ContainerId);
            Assert.Equal(before.Objective, after.Objective);
            Assert.Equal(1, after.Attempt);
        }
        foreach (var interrupted in runningAtKill.Where(e => e.Status == ExperimentStatus.Running))
        {
            var after = Assert.Single(all, e => e.Id == interrupted.Id);
            Assert.Equal(ExperimentStatus.Succeeded, after.Status);
            Assert.Equal(2, after.Attempt); // re-queued once, after its container was reaped
            Assert.Equal(interrupted.Parameters, after.Parameters);
            Assert.NotEqual(interrupted.ContainerId, after.ContainerId);
        }
        var journal = await data.Journal.ReadAsync(campaignId);
        Assert.Contains(journal, j => j.Text.StartsWith("Campaign resumed", StringComparison.Ordinal));
        Assert.Empty(await data.ContainersAsync());
    }
}
