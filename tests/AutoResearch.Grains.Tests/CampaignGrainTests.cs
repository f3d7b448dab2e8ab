using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CampaignGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Campaign_runs_the_baseline_first_then_proposals_until_max_experiments()
    {
        var id = TestSpecs.UniqueId("full");
        var spec = TestSpecs.Campaign("full", maxExperiments: 14, slots: 2);
        var status = await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        Assert.Equal(CampaignState.Running, status.State);

        status = await WaitForEndAsync(id);

        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.Equal(14, experiments.Count);
        Assert.Equal(Enumerable.Range(0, 14), experiments.Select(e => e.Sequence).Order());
        Assert.All(experiments, e => Assert.Equal(ExperimentStatus.Succeeded, e.Status));

        var baseline = Assert.Single(experiments, e => e.IsBaseline);
        Assert.Equal(0, baseline.Sequence);
        Assert.Equal("0", baseline.Parameters["x1"].Text);
        Assert.Equal(ScriptedSandboxRunner.Branin(0, 0), baseline.Objective!.Value, 9);
        Assert.Equal(baseline.Objective, status.Baseline);

        var best = experiments.Min(e => e.Objective!.Value);
        // The accepted best: the scripted runs repeat exactly, so the noise rule falls back to the 1 % minimum improvement and a
        // later result less than 1 % better than the accepted best is not a new best.
        var accepted = status.Best!.Value;
        Assert.Contains(experiments, e => Math.Abs(e.Objective!.Value - accepted) < 1e-12);
        Assert.True(best >= accepted - 0.0101 * Math.Abs(accepted), $"best run {best} beats the accepted best {accepted} by 1 % or more");
        Assert.True(best < baseline.Objective, "the optimizers should improve on the baseline (55.6) within 13 proposals");
        Assert.Equal(14, status.Succeeded);
        Assert.Equal(14, status.Agents.Sum(a => a.Experiments));
        Assert.Contains(experiments, e => e.ProposerName == "gp");
        Assert.Contains(experiments, e => e.ProposerName == "random");
        Assert.True(fixture.Sandbox.PeakConcurrency(id) <= 2, $"peak concurrency {fixture.Sandbox.PeakConcurrency(id)} exceeded the campaign's 2 slots");

        Assert.NotNull(status.ReportMarkdown);
        Assert.True(File.Exists(status.ReportMarkdown));
        Assert.True(File.Exists(status.ReportHtml));

        var journal = await fixture.Journal.ReadAsync(id);
        var reflected = journal.Where(j => j.Author != "system" && j.ExperimentId is not null).Select(j => j.ExperimentId!).ToHashSet();
        Assert.Equal(experiments.Select(e => e.Id).ToHashSet(), reflected);
    }

    [Fact]
    public async Task Failing_experiments_are_recorded_with_their_reason_and_the_campaign_carries_on()
    {
        var id = TestSpecs.UniqueId("fail");
        fixture.Sandbox.Script(id, request => int.Parse(request.ExperimentId[^4..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1
            ? new SandboxResult
            {
                Status = ExperimentStatus.Failed,
                Failure = FailureKind.Crash,
                ExitCode = 3,
                Reason = "exit code 3: Traceback: boom",
                StartedAt = default,
                EndedAt = default,
            }
            : null);

        await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(TestSpecs.Campaign("fail", maxExperiments: 10));
        var status = await WaitForEndAsync(id);

        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        var failed = experiments.Where(e => e.Status == ExperimentStatus.Failed).ToList();
        Assert.Equal([1, 3, 5, 7, 9], failed.Select(e => e.Sequence).Order());
        Assert.All(failed, e =>
        {
            Assert.Equal(FailureKind.Crash, e.Failure);
            Assert.Equal(3, e.ExitCode);
            Assert.Contains("boom", e.Reason);
        });
        Assert.Equal(10, status.Finished);
        Assert.Equal(failed.Count, status.Failed);
        var deadEnds = (await fixture.Journal.ReadAsync(id)).Where(j => j.Kind == JournalEntryKind.DeadEnd).ToList();
        Assert.Equal(failed.Select(f => f.Id).Order(), deadEnds.Select(d => d.ExperimentId!).Order());
    }

    [Fact]
    public async Task Stop_grants_no_more_experiments_and_keeps_everything_recorded()
    {
        var id = TestSpecs.UniqueId("stop");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(150); return null; });
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        await campaign.Start(TestSpecs.Campaign("stop", maxExperiments: 500));
        await WaitUntilAsync(async () => (await campaign.GetStatus()).Finished >= 3);

        var stopped = await campaign.Stop("operator asked");
        Assert.Equal(CampaignState.Stopped, stopped.State);
        Assert.Equal("operator asked", stopped.Reason);

        // Running experiments finish, ready ones are recorded as not run, and every agent's loop ends; then nothing new appears.
        await WaitUntilAsync(async () => (await campaign.GetStatus()).Agents.All(a => a.State is AgentState.Stopped or AgentState.Done)
                                         && (await fixture.Ledger.GetExperimentsAsync(id)).All(e => e.IsFinished), 60);
        var settled = (await fixture.Ledger.GetExperimentsAsync(id)).Count;
        await Task.Delay(1000);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.Equal(settled, experiments.Count);
        Assert.True(experiments.Count is >= 3 and < 500);
        Assert.All(experiments, e => Assert.True(e.IsFinished, $"{e.Id} is still {e.Status}"));
        Assert.Equal(CampaignState.Stopped, (await fixture.Ledger.GetCampaignAsync(id))!.State);
    }

    [Fact]
    public async Task No_experiment_starts_that_cannot_finish_before_the_deadline()
    {
        var id = TestSpecs.UniqueId("deadline");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(200); return null; });
        var spec = TestSpecs.Campaign("deadline", maxExperiments: 10_000, duration: TimeSpan.FromSeconds(4)) with
        {
            Benchmark = TestSpecs.Branin(timeLimit: TimeSpan.FromSeconds(1)),
        };
        var status = await fixture.Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var deadline = status.Deadline!.Value;

        status = await WaitForEndAsync(id);

        Assert.Equal(CampaignState.Completed, status.State);
        Assert.Contains("deadline", status.Reason);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.NotEmpty(experiments);
        // One the fleet refused for lack of time is recorded as not run (no container): it did not start.
        var notRun = experiments.Where(e => e.Failure == FailureKind.NotRun).ToList();
        Assert.All(notRun, e => Assert.True(e.ContainerId is null && e.SlotStartedAt is null, $"{e.Id} is 'not run' but has a container or a slot"));
        Assert.All(experiments.Except(notRun), e => Assert.True(e.StartedAt!.Value + spec.Benchmark.TimeLimit <= deadline + TimeSpan.FromMilliseconds(250),
            $"{e.Id} started at {e.StartedAt:O}, too late for deadline {deadline:O}"));
    }

    [Fact]
    public async Task Campaign_state_survives_deactivation()
    {
        var id = TestSpecs.UniqueId("persist");
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        await campaign.Start(TestSpecs.Campaign("persist", maxExperiments: 5));
        var before = await WaitForEndAsync(id);

        // DeactivateAsync returns once that activation is gone. A second wait here would wait for the *next* activation, which
        // an agent's call may already have started, and that one never deactivates while the campaign runs (the test hung).
        await fixture.Cluster.DeactivateAsync(campaign);
        var after = await campaign.GetStatus();

        Assert.Equal(before.State, after.State);
        Assert.Equal(before.Deadline, after.Deadline);
        Assert.Equal(before.Finished, after.Finished);
        Assert.Equal(before.Best, after.Best);
        Assert.Equal(before.Baseline, after.Baseline);
        Assert.Equal(before.ReportHtml, after.ReportHtml);
    }

    [Fact]
    public async Task A_re_activated_campaign_never_hands_out_again_a_number_whose_ticket_is_still_out()
    {
        var id = TestSpecs.UniqueId("numbers");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(100); return null; });
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        await campaign.Start(TestSpecs.Campaign("numbers", maxExperiments: 12));
        await WaitUntilAsync(async () => (await campaign.GetStatus()).Finished >= 2, 60);

        // A ticket taken as an agent takes one, whose experiment never reaches the ledger (its agent is still proposing it
        // on a silo that is about to die), then the campaign re-activates (a takeover) and rebuilds from the ledger.
        ExperimentTicket? held = null;
        await WaitUntilAsync(async () => (held = await campaign.RequestTicket(new TicketRequest { AgentId = "random-2" })).Granted, 30);
        // DeactivateAsync returns once that activation is gone. A second wait here would wait for the *next* activation, which
        // an agent's call may already have started, and that one never deactivates while the campaign runs (the test hung).
        await fixture.Cluster.DeactivateAsync(campaign);

        var status = await WaitForEndAsync(id);
        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.DoesNotContain(experiments, e => e.Sequence == held!.Sequence);
        Assert.Equal(experiments.Count, experiments.Select(e => e.Sequence).Distinct().Count());
    }

    private Task<CampaignStatus> WaitForEndAsync(string id, int seconds = 90) => Waits.ForEndAsync(fixture.Grains, id, seconds);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 90,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string conditionText = "") =>
        Waits.UntilAsync(condition, seconds, conditionText);
}
