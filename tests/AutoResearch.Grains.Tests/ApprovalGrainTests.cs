using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Approve-before-run through the real campaign and agent grains: an experiment over the campaign's <c>approval:</c> threshold
/// waits without running, runs once approved, and a rejected one is recorded as rejected by a person while the agent goes on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ApprovalGrainTests(ClusterFixture fixture)
{
    private const int WaitSeconds = 60;

    [Fact]
    public async Task An_experiment_over_the_threshold_waits_without_running_until_approved_and_a_rejected_one_never_runs()
    {
        var (id, spec, campaign) = await StartAsync("approve", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
        try
        {
            var first = await AwaitingAsync(id, "the first experiment awaiting approval");
            // Give it time to (wrongly) run: it must still wait, and nothing ran in a sandbox.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(ExperimentStatus.AwaitingApproval, (await fixture.Ledger.GetExperimentAsync(first.Id))!.Status);
            Assert.Equal(0, fixture.Sandbox.Runs(id));
            // The agent's two workers (one slot plus a ready proposal) each hold one waiting experiment; neither holds a slot.
            var waiting = (await fixture.Ledger.GetExperimentsAsync(id)).Where(e => e.Status == ExperimentStatus.AwaitingApproval).ToList();
            Assert.Equal(2, waiting.Count);
            var facts = await FactsAsync(id, spec);
            Assert.Equal(2, facts.AwaitingApproval);
            Assert.Equal(waiting.Min(e => e.QueuedAt), facts.AwaitingApprovalSince);
            Assert.Contains("awaiting approval", facts.Agent("random-1")!.LedgerActivity);

            await campaign.Control(Request(id, ControlAction.ApproveExperiment, first.Sequence));
            ExperimentRecord? ran = null;
            await Waits.UntilAsync(async () => (ran = await fixture.Ledger.GetExperimentAsync(first.Id)) is { IsFinished: true }, WaitSeconds, $"approved experiment #{first.Sequence} to finish");
            Assert.Equal(ExperimentStatus.Succeeded, ran!.Status);
            Assert.NotNull(ran.StartedAt);
            Assert.True(fixture.Sandbox.Runs(id) >= 1);

            var second = await AwaitingAsync(id, "the second experiment awaiting approval", after: first.Sequence);
            var runsBefore = fixture.Sandbox.Runs(id);
            await campaign.Control(Request(id, ControlAction.RejectExperiment, second.Sequence) with { Reason = "too costly tonight" });
            ExperimentRecord? rejected = null;
            await Waits.UntilAsync(async () => (rejected = await fixture.Ledger.GetExperimentAsync(second.Id)) is { IsFinished: true }, WaitSeconds, $"rejected experiment #{second.Sequence} to be recorded");
            Assert.Equal((ExperimentStatus.Failed, FailureKind.RejectedByPerson), (rejected!.Status, rejected.Failure));
            Assert.Contains("rejected by test: too costly tonight", rejected.Reason);
            Assert.Equal(0, rejected.Attempt);
            // The agent goes on: its next experiment waits for a person in turn, and the rejected one never ran.
            await AwaitingAsync(id, "the agent's next experiment after the rejection", after: second.Sequence);
            Assert.Equal(runsBefore, fixture.Sandbox.Runs(id));

            // Approving one that no longer waits changes nothing (typed: nothing to do).
            await campaign.Control(Request(id, ControlAction.ApproveExperiment, first.Sequence));
            var controls = await fixture.Ledger.GetControlsAsync(id);
            Assert.Equal([ControlOutcomeKind.Applied, ControlOutcomeKind.NoOp],
                controls.Where(c => c.Action == ControlAction.ApproveExperiment).OrderBy(c => c.RequestedAt).Select(c => c.OutcomeKind));
            Assert.Equal(ControlOutcomeKind.Applied, controls.Single(c => c.Action == ControlAction.RejectExperiment).OutcomeKind);
        }
        finally
        {
            await campaign.Stop("test over");
        }
    }

    [Fact]
    public async Task Experiments_nobody_approved_are_recorded_as_not_run_when_the_deadline_comes_and_the_campaign_ends()
    {
        var (id, _, _) = await StartAsync("unattended", TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(2));
        var status = await Waits.ForEndAsync(fixture.Grains, id, seconds: WaitSeconds);

        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        Assert.NotEmpty(experiments);
        Assert.All(experiments, e => Assert.Equal((ExperimentStatus.Failed, FailureKind.NotRun), (e.Status, e.Failure)));
        Assert.All(experiments, e => Assert.EndsWith("while it awaited approval", e.Reason));
        Assert.Equal(0, fixture.Sandbox.Runs(id));
    }

    /// <summary>
    /// Starts a branin campaign (one random agent, one slot, 5 experiments) whose every experiment waits for a person: one
    /// run's worst case (time limit × 1 CPU) is over <c>cpu_hours_over: 0</c>.
    /// </summary>
    private async Task<(string Id, CampaignSpec Spec, ICampaignGrain Campaign)> StartAsync(string name, TimeSpan duration, TimeSpan timeLimit)
    {
        var id = TestSpecs.UniqueId(name);
        var spec = TestSpecs.Campaign(name, maxExperiments: 5, slots: 1, duration: duration, proposers: ["random"]) with
        {
            Benchmark = TestSpecs.Branin(timeLimit: timeLimit),
            Noise = NoiseSpec.Off,
            Approval = new ApprovalPolicy { CpuHoursOver = 0 },
        };
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        await campaign.Start(spec);
        return (id, spec, campaign);
    }

    private async Task<ExperimentRecord> AwaitingAsync(string id, string what, int after = 0)
    {
        ExperimentRecord? waiting = null;
        await Waits.UntilAsync(async () =>
            (waiting = (await fixture.Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.Sequence > after && e.Status == ExperimentStatus.AwaitingApproval)) is not null,
            WaitSeconds, what);
        return waiting!;
    }

    private async Task<CampaignFacts> FactsAsync(string id, CampaignSpec spec) =>
        CampaignFacts.Build(id, spec, CampaignState.Running, await fixture.Ledger.GetExperimentsAsync(id), [], [], [], 1);

    private static ControlRequest Request(string id, ControlAction action, int sequence) =>
        new() { CampaignId = id, Action = action, ExperimentSequence = sequence, RequestedBy = "test", RequestedAt = DateTimeOffset.UtcNow };
}
