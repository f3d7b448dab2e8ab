using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Grains.Agents;
using AutoResearch.Ledger;
using AutoResearch.Proposers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// The agent's research loop and experiment pipeline without a silo: a SQLite ledger and journal, real proposers, the
/// scripted sandbox, and a scripted <see cref="IAgentHost"/> in place of the campaign and fleet grains.
/// </summary>
public sealed class ExperimentPipelineTests : IAsyncLifetime
{
    private readonly ScriptedSandboxRunner _sandbox = new();
    private SqliteLedgerScope _ledger = null!;
    private ILedger Ledger => _ledger.Ledger;
    private IJournal Journal => _ledger.Journal;

    public async Task InitializeAsync() => _ledger = await SqliteLedgerScope.CreateAsync("ar-pipeline");

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task A_failed_run_is_settled_as_failed_its_unused_worst_case_comes_back_and_the_campaign_hears_of_it()
    {
        var host = await HostAsync("failed", cpuBudget: 100, Ticket(0, ExperimentKind.Baseline));
        _sandbox.Script(host.Assignment.CampaignId, r => new SandboxResult
        {
            Status = ExperimentStatus.Failed, Failure = FailureKind.Crash, Reason = "exit code 1", ExitCode = 1,
            StartedAt = DateTimeOffset.UtcNow, EndedAt = DateTimeOffset.UtcNow,
        });
        var agent = Session(host);

        await RunAsync(agent);

        var run = Assert.Single(await Ledger.GetExperimentsAsync(host.Assignment.CampaignId));
        Assert.Equal((ExperimentStatus.Failed, FailureKind.Crash, 1), (run.Status, run.Failure, run.Attempt));
        var (reported, status) = Assert.Single(host.Finished);
        Assert.Equal((run.Id, ExperimentStatus.Failed), (reported.Id, reported.Status));
        Assert.Equal((1, 0, 0), (status.Experiments, status.Succeeded, status.Rejections));
        // The run's worst case (time limit + kill grace) was reserved; only what it used stays charged.
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);
        Assert.True(agent.Budget.Used.CpuSeconds < agent.WorstCase.CpuSeconds / 10, $"{agent.Budget.Used.CpuSeconds} CPU-s charged");
        Assert.Equal(agent.Budget.Used.CpuSeconds, status.CpuSecondsUsed);
        Assert.Equal(status, host.Saved);
        Assert.Equal((AgentStopReason.CampaignFinished, "no more experiments"), agent.Stop);
        Assert.Single(host.Released);
        Assert.Contains(await Journal.ReadAsync(host.Assignment.CampaignId), e => e.ExperimentId == run.Id && e.Author == agent.Spec.Id);
    }

    [Fact]
    public async Task A_sandbox_that_throws_is_recorded_as_a_sandbox_error_and_its_slot_is_given_back()
    {
        var host = await HostAsync("throws", cpuBudget: 0, Ticket(0, ExperimentKind.Baseline));
        _sandbox.Script(host.Assignment.CampaignId, _ => throw new InvalidOperationException("docker went away"));
        var agent = Session(host);

        await RunAsync(agent);

        var run = Assert.Single(await Ledger.GetExperimentsAsync(host.Assignment.CampaignId));
        Assert.Equal((ExperimentStatus.Failed, FailureKind.SandboxError), (run.Status, run.Failure));
        Assert.Contains("docker went away", run.Reason);
        Assert.Equal(host.Leased, host.Released);
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);
    }

    [Fact]
    public async Task Successful_runs_set_the_agents_best_and_each_gets_a_journal_line()
    {
        var host = await HostAsync("best", cpuBudget: 0, Ticket(0, ExperimentKind.Baseline), Ticket(1, ExperimentKind.Proposal), Ticket(2, ExperimentKind.Proposal));
        var agent = Session(host);

        await RunAsync(agent);

        var runs = await Ledger.GetExperimentsAsync(host.Assignment.CampaignId);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(ExperimentStatus.Succeeded, r.Status));
        Assert.Equal("random", runs.Single(r => r.Sequence == 1).ProposerName);
        var status = host.Finished[^1].Status;
        Assert.Equal((3, 3), (status.Experiments, status.Succeeded));
        Assert.Equal(runs.Min(r => r.Objective), status.Best);
        var journal = await Journal.ReadAsync(host.Assignment.CampaignId);
        Assert.All(runs, r => Assert.Contains(journal, e => e.ExperimentId == r.Id));
    }

    [Fact]
    public async Task A_run_a_crashed_host_left_running_is_re_run_and_settled_before_new_tickets()
    {
        var host = await HostAsync("crash", cpuBudget: 0);
        var campaignId = host.Assignment.CampaignId;
        var interrupted = new ExperimentRecord
        {
            Id = ExperimentIds.For(campaignId, 4), CampaignId = campaignId, AgentId = host.Assignment.Agent.Id, Sequence = 4,
            ProposerName = "random", Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = "3", ["x2"] = "2" }), Kind = ExperimentKind.Proposal,
            Status = ExperimentStatus.Running, QueuedAt = DateTimeOffset.UtcNow, StartedAt = DateTimeOffset.UtcNow, ContainerId = "dead", Attempt = 1,
        };
        await Ledger.SaveExperimentAsync(interrupted);
        var agent = Session(host);

        await RunAsync(agent);

        var run = Assert.Single(await Ledger.GetExperimentsAsync(campaignId));
        Assert.Equal((ExperimentStatus.Succeeded, 2, $"scripted-{run.Id}"), (run.Status, run.Attempt, run.ContainerId));
        Assert.Equal(ScriptedSandboxRunner.Branin(3, 2), run.Objective!.Value, 9);
        Assert.Equal(1, host.StaleReleases);
        Assert.Equal(run.Id, Assert.Single(host.Finished).Experiment.Id);
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);
        Assert.Contains(await Journal.ReadAsync(campaignId), e => e.ExperimentId == run.Id && e.Text.Contains("Re-running experiment #4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_that_finished_after_its_silo_died_is_collected_as_the_same_attempt_and_charged_its_gpus()
    {
        var host = await HostAsync("collect", cpuBudget: 0, gpus: 2);
        var campaignId = host.Assignment.CampaignId;
        var started = DateTimeOffset.UtcNow.AddSeconds(-10);
        var interrupted = new ExperimentRecord
        {
            Id = ExperimentIds.For(campaignId, 7), CampaignId = campaignId, AgentId = host.Assignment.Agent.Id, Sequence = 7,
            ProposerName = "random", Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.Of(("x1", 3.0), ("x2", 2.0)), Kind = ExperimentKind.Proposal,
            Status = ExperimentStatus.Running, QueuedAt = started, StartedAt = started, ContainerId = "left-behind", Attempt = 1,
        };
        await Ledger.SaveExperimentAsync(interrupted);
        _sandbox.Leftovers["left-behind"] = new SandboxResult
        {
            Status = ExperimentStatus.Succeeded, ExitCode = 0, Objective = 1.25, ImageId = "sha256:scripted",
            StartedAt = started, EndedAt = started.AddSeconds(4),
        };
        var agent = Session(host);

        await RunAsync(agent);

        var run = Assert.Single(await Ledger.GetExperimentsAsync(campaignId));
        Assert.Equal((ExperimentStatus.Succeeded, 1, "left-behind", 1.25), (run.Status, run.Attempt, run.ContainerId, run.Objective));
        Assert.Equal(0, _sandbox.Runs(campaignId)); // not run again
        // Four seconds on the two GPUs its benchmark asks for (the dead silo's lease is gone with it).
        Assert.Equal(8, run.GpuSeconds, 6);
        Assert.Equal(run.Id, Assert.Single(host.Finished).Experiment.Id);
        Assert.Contains(await Journal.ReadAsync(campaignId), e => e.ExperimentId == run.Id && e.Text.StartsWith("Collected experiment #7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_experiment_awaiting_approval_when_its_host_died_takes_the_decision_made_before_from_the_control_log()
    {
        var host = await HostAsync("recall", cpuBudget: 0);
        var campaignId = host.Assignment.CampaignId;
        ExperimentRecord Awaiting(int sequence) => new()
        {
            Id = ExperimentIds.For(campaignId, sequence), CampaignId = campaignId, AgentId = host.Assignment.Agent.Id, Sequence = sequence,
            ProposerName = "random", Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.Of(("x1", 3.0), ("x2", 2.0)), Kind = ExperimentKind.Proposal,
            Status = ExperimentStatus.AwaitingApproval, QueuedAt = DateTimeOffset.UtcNow, Attempt = 0,
        };
        await Ledger.SaveExperimentAsync(Awaiting(3));
        await Ledger.SaveExperimentAsync(Awaiting(4));
        // Applied by the agent's earlier activation, which died before its worker took them; #4 was first approved, then rejected.
        async Task DecideAsync(int sequence, ControlAction action, string by, string reason, ControlOutcomeKind kind = ControlOutcomeKind.Applied)
        {
            var recorded = await Ledger.EnqueueControlAsync(new ControlRequest
            {
                CampaignId = campaignId, AgentId = host.Assignment.Agent.Id, Action = action, ExperimentSequence = sequence,
                RequestedBy = by, Reason = reason, RequestedAt = DateTimeOffset.UtcNow,
            });
            await Ledger.CompleteControlAsync(recorded.Id, DateTimeOffset.UtcNow, new ControlOutcome(kind, "test"));
            await Task.Delay(20); // distinct applied times
        }
        await DecideAsync(3, ControlAction.RejectExperiment, "eve", "refused, so it counts for nothing", ControlOutcomeKind.Refused);
        await DecideAsync(3, ControlAction.ApproveExperiment, "alice", "worth it");
        await DecideAsync(4, ControlAction.ApproveExperiment, "alice", "");
        await DecideAsync(4, ControlAction.RejectExperiment, "bob", "too dear");
        var agent = Session(host);

        await RunAsync(agent);

        var runs = await Ledger.GetExperimentsAsync(campaignId);
        Assert.Equal(ExperimentStatus.Succeeded, runs.Single(r => r.Sequence == 3).Status);
        var rejected = runs.Single(r => r.Sequence == 4);
        Assert.Equal(FailureKind.RejectedByPerson, rejected.Failure);
        Assert.Contains("rejected by bob: too dear", rejected.Reason);
        var journal = await Journal.ReadAsync(campaignId);
        Assert.Contains(journal, e => e.Text == "Experiment #3 approved by alice: worth it.");
        Assert.Equal(1, _sandbox.Runs(campaignId));
    }

    [Fact]
    public async Task A_budget_that_cannot_cover_one_run_stops_the_agent_before_it_asks_for_a_ticket()
    {
        // One run's worst case is (5 s time limit + 5 s kill grace) × 1 CPU = 10 CPU-s.
        var host = await HostAsync("budget", cpuBudget: 8, Ticket(0, ExperimentKind.Baseline));
        var agent = Session(host);

        await RunAsync(agent);

        Assert.Equal(AgentStopReason.BudgetSpent, agent.Stop?.Reason);
        Assert.Equal(1, host.TicketsLeft);
        Assert.Empty(await Ledger.GetExperimentsAsync(host.Assignment.CampaignId));
        Assert.Contains(await Journal.ReadAsync(host.Assignment.CampaignId), e => e.Kind == JournalEntryKind.System && e.Text.StartsWith("Stopping: my budget cannot cover another run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_status_a_loop_ends_with_holds_no_reservation_after_its_last_ticket_was_refused()
    {
        var host = await HostAsync("refused", cpuBudget: 100, Ticket(0, ExperimentKind.Baseline));
        var agent = Session(host);

        await RunAsync(agent);

        // The last line a worker set was "asking for a ticket", with that ticket's worst case reserved; the refusal cancelled it.
        Assert.Equal(2, host.TicketsAsked);
        Assert.Equal(("asking for a ticket", agent.WorstCase), (agent.Current.Activity, agent.Current.Reserved));
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);
        var end = agent.End(AgentState.Done);
        Assert.Equal((AgentState.Done, AgentStopReason.CampaignFinished, 0, ResourceUse.Zero), (end.State, end.StopReason, end.InFlight, end.Reserved));
        Assert.Equal(1, end.Experiments);
        Assert.Same(end, agent.Status);
    }

    [Fact]
    public async Task A_proposal_outside_the_benchmarks_ranges_is_rejected_without_a_slot_and_counts_as_a_rejection()
    {
        var host = await HostAsync("rejected", cpuBudget: 0, Ticket(1, ExperimentKind.Proposal));
        var agent = Session(host, new OutOfRangeProposers());

        await RunAsync(agent);

        var run = Assert.Single(await Ledger.GetExperimentsAsync(host.Assignment.CampaignId));
        Assert.Equal((ExperimentStatus.Failed, FailureKind.Rejected), (run.Status, run.Failure));
        Assert.True(run.IsRejectedProposal());
        Assert.Empty(host.Leased);
        Assert.Equal(0, _sandbox.Runs(host.Assignment.CampaignId));
        var status = host.Finished.Single().Status;
        Assert.Equal((0, 1), (status.Experiments, status.Rejections));
    }

    [Fact]
    public async Task A_ready_experiment_of_a_stopped_agent_is_recorded_as_not_run()
    {
        var host = await HostAsync("stopped", cpuBudget: 0, Ticket(0, ExperimentKind.Baseline));
        host.CampaignState = CampaignState.Stopped;
        var agent = Session(host);

        await RunAsync(agent);

        var run = Assert.Single(await Ledger.GetExperimentsAsync(host.Assignment.CampaignId));
        Assert.Equal((ExperimentStatus.Failed, FailureKind.NotRun, "not started: the campaign is stopped"), (run.Status, run.Failure, run.Reason));
        Assert.Empty(host.Leased);
        Assert.Equal(0, _sandbox.Runs(host.Assignment.CampaignId));
    }

    [Fact]
    public async Task A_paused_agent_waits_without_polling_and_goes_on_as_soon_as_it_is_woken()
    {
        var host = await HostAsync("paused", cpuBudget: 0, Ticket(0, ExperimentKind.Baseline));
        host.Paused = true;
        var agent = Session(host);
        var loop = RunAsync(agent);
        await Waits.UntilAsync(() => Task.FromResult(agent.Status?.State == AgentState.Paused), seconds: 10, what: "the agent to say it is paused");
        await Task.Delay(300);
        Assert.Equal(0, host.TicketsAsked);

        // What the grain does on Control(Resume): clear the flag, wake the workers. The paused wait's fallback is 30 s.
        host.Paused = false;
        var woken = DateTime.UtcNow;
        agent.WakeUp.Pulse();
        await Waits.ForAsync(loop, 10, "the woken agent's loop to run its experiment and end");

        Assert.True(DateTime.UtcNow - woken < AgentSession.PausedFallback / 3, $"the loop ended {DateTime.UtcNow - woken} after the wake-up");
        Assert.Equal(ExperimentStatus.Succeeded, Assert.Single(await Ledger.GetExperimentsAsync(host.Assignment.CampaignId)).Status);
    }

    [Fact]
    public async Task A_wake_up_ends_every_wait_in_progress_and_a_wait_nobody_ends_ends_after_its_fallback()
    {
        var wakeUp = new WakeUp();
        var waits = Enumerable.Range(0, 3).Select(_ => wakeUp.WaitAsync(TimeSpan.FromMinutes(5), CancellationToken.None)).ToList();
        Assert.DoesNotContain(waits, w => w.IsCompleted);
        wakeUp.Pulse();
        await Waits.ForAsync(Task.WhenAll(waits), 5, "the pulse to end every wait in progress");

        var started = DateTime.UtcNow;
        await Waits.ForAsync(wakeUp.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None), 5, "a wait nobody ends to end after its 200 ms fallback");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(150), "an earlier pulse ended a later wait");
        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wakeUp.WaitAsync(TimeSpan.FromMinutes(5), cancelled.Token));
    }

    [Fact]
    public async Task A_person_stops_a_running_experiment_its_sandbox_is_cancelled_it_is_recorded_and_charged_and_the_agent_goes_on()
    {
        var host = await HostAsync("stop-run", cpuBudget: 0, Ticket(1, ExperimentKind.Proposal), Ticket(2, ExperimentKind.Proposal));
        _sandbox.Delay = TimeSpan.FromMinutes(5);
        var agent = Session(host);
        var loop = RunAsync(agent);
        var id = ExperimentIds.For(host.Assignment.CampaignId, 1);
        await Waits.UntilAsync(async () => (await Ledger.GetExperimentAsync(id))?.ContainerId is not null, seconds: 30, what: "experiment #1 running in its sandbox");
        await Task.Delay(200);

        _sandbox.Delay = TimeSpan.FromMilliseconds(40);
        Assert.True(agent.RunStops.Request(1, new PersonStop("alice", "wrong idea")));
        await loop;

        var runs = await Ledger.GetExperimentsAsync(host.Assignment.CampaignId);
        var stopped = runs.Single(e => e.Sequence == 1);
        Assert.Equal((ExperimentStatus.Failed, FailureKind.StoppedByPerson, "stopped by alice: wrong idea"), (stopped.Status, stopped.Failure, stopped.Reason));
        Assert.InRange(stopped.CpuSeconds, 0.1, agent.WorstCase.CpuSeconds / 2);
        Assert.Equal(ExperimentStatus.Succeeded, runs.Single(e => e.Sequence == 2).Status);
        Assert.Equal(2, host.Finished.Count);
        Assert.Equal(host.Leased, host.Released);
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);
        Assert.True(agent.Budget.Used.CpuSeconds >= stopped.CpuSeconds, $"{agent.Budget.Used.CpuSeconds} CPU-s charged for {stopped.CpuSeconds}");
        Assert.Contains(await Journal.ReadAsync(host.Assignment.CampaignId), e => e.ExperimentId == stopped.Id && e.Text.Contains("stopped by alice: wrong idea", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_experiment_stopped_before_it_starts_is_recorded_as_stopped_without_running()
    {
        var host = await HostAsync("stop-early", cpuBudget: 0, Ticket(1, ExperimentKind.Proposal), Ticket(2, ExperimentKind.Proposal));
        var agent = Session(host);
        Assert.False(agent.RunStops.Request(1, new PersonStop("bob", "")));

        await RunAsync(agent);

        var runs = await Ledger.GetExperimentsAsync(host.Assignment.CampaignId);
        var stopped = runs.Single(e => e.Sequence == 1);
        Assert.Equal((FailureKind.StoppedByPerson, "not started: stopped by bob", 0.0), (stopped.Failure, stopped.Reason, stopped.CpuSeconds));
        Assert.Equal(ExperimentStatus.Succeeded, runs.Single(e => e.Sequence == 2).Status);
        Assert.Equal(1, _sandbox.Runs(host.Assignment.CampaignId));
    }

    [Fact]
    public async Task A_persons_queued_configuration_is_the_agents_next_proposal_with_origin_person_and_is_journaled()
    {
        var host = await HostAsync("person", cpuBudget: 0, Ticket(1, ExperimentKind.Proposal), Ticket(2, ExperimentKind.Proposal));
        host.Configurations.Enqueue(new QueuedConfiguration { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = "2.5" }), RequestedBy = "alice", Reason = "near the optimum" });
        var agent = Session(host);

        await RunAsync(agent);

        var runs = await Ledger.GetExperimentsAsync(host.Assignment.CampaignId);
        var person = runs.Single(e => e.Sequence == 1);
        Assert.Equal((ProposalOrigin.Person, "person", ExperimentStatus.Succeeded), (person.Origin, person.ProposerName, person.Status));
        Assert.Equal(new Dictionary<string, string> { ["x1"] = "2.5", ["x2"] = "0" }, person.Parameters.ToText());
        Assert.Equal(ScriptedSandboxRunner.Branin(2.5, 0), person.Objective);
        Assert.NotEqual(ProposalOrigin.Person, runs.Single(e => e.Sequence == 2).Origin);
        Assert.Contains(await Journal.ReadAsync(host.Assignment.CampaignId),
            e => e.Kind == JournalEntryKind.Hypothesis && e.ExperimentId == person.Id && e.Text == "#1: Configuration from alice: x1=2.5 (near the optimum).");
    }

    [Fact]
    public async Task A_moving_agent_lets_its_running_experiment_finish_and_leaves_the_one_waiting_for_a_slot_to_its_next_activation()
    {
        _sandbox.Delay = TimeSpan.FromSeconds(1);
        var created = await HostAsync("move", cpuBudget: 100);
        // Two workers, one slot: #1 runs while #2 waits for a slot.
        var host = new ScriptedAgentHost(created.Assignment with { Workers = 2 },
            [Ticket(1, ExperimentKind.Proposal), Ticket(2, ExperimentKind.Proposal), Ticket(3, ExperimentKind.Proposal)]) { FreeSlots = 1 };
        var campaignId = host.Assignment.CampaignId;
        var agent = Session(host);
        var loop = RunAsync(agent);
        await Waits.UntilAsync(() => Task.FromResult(host.Leased.Count == 1 && host.SlotWaits > 0), seconds: 20, what: "#1 to run and #2 to wait for a slot");

        // What IAgentGrain.Move does to the loop.
        Assert.True(agent.MoveTo("new-host"));
        Assert.False(agent.MoveTo("other-host"));
        Assert.Equal("moving to host new-host; 2 in flight finish or go along", agent.Current.Activity);
        await Waits.ForAsync(loop, 30, "the moving agent's loop to end");

        var runs = await Ledger.GetExperimentsAsync(campaignId);
        Assert.Equal("new-host", agent.MovingTo);
        Assert.Equal((ExperimentStatus.Succeeded, 1), runs.Where(e => e.Sequence == 1).Select(e => (e.Status, e.Attempt)).Single());
        Assert.Equal((ExperimentStatus.Queued, 0), runs.Where(e => e.Sequence == 2).Select(e => (e.Status, e.Attempt)).Single());
        Assert.Equal(2, runs.Count);
        Assert.Equal(1, host.TicketsLeft);
        Assert.Equal(1, Assert.Single(host.Finished).Experiment.Sequence);
        Assert.Equal(host.Leased, host.Released);
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);

        // Its next activation (on the new host) runs #2 once, before new tickets.
        var next = new ScriptedAgentHost(host.Assignment, []);
        var moved = Session(next);
        await RunAsync(moved);
        var second = (await Ledger.GetExperimentsAsync(campaignId)).Single(e => e.Sequence == 2);
        Assert.Equal((ExperimentStatus.Succeeded, 1), (second.Status, second.Attempt));
        Assert.Equal(second.Id, Assert.Single(next.Finished).Experiment.Id);
        Assert.Equal(2, _sandbox.Runs(campaignId));
        Assert.Contains(await Journal.ReadAsync(campaignId), e => e.ExperimentId == second.Id
            && e.Text == "Picking up experiment #2: it was still waiting for a sandbox slot when this agent last stopped or moved hosts.");
    }

    [Fact]
    public async Task A_moving_agent_stopped_before_its_next_activation_records_what_it_took_along_as_not_run()
    {
        _sandbox.Delay = TimeSpan.FromSeconds(1);
        var created = await HostAsync("move-stop", cpuBudget: 100);
        var host = new ScriptedAgentHost(created.Assignment with { Workers = 2 },
            [Ticket(1, ExperimentKind.Proposal), Ticket(2, ExperimentKind.Proposal)]) { FreeSlots = 1 };
        var agent = Session(host);
        var loop = RunAsync(agent);
        await Waits.UntilAsync(() => Task.FromResult(host.Leased.Count == 1 && host.SlotWaits > 0), seconds: 20, what: "#1 to run and #2 to wait for a slot");
        Assert.True(agent.MoveTo("new-host"));
        await Waits.ForAsync(loop, 30, "the moving agent's loop to end");

        // Stopped (the agent grain runs the loop once more, stopped): #2 is recorded as not run, and no new ticket is taken.
        host.StopRequested = true;
        agent.Stop = (AgentStopReason.Stopped, null);
        await RunAsync(agent);

        var runs = await Ledger.GetExperimentsAsync(host.Assignment.CampaignId);
        var left = runs.Single(e => e.Sequence == 2);
        Assert.Equal((ExperimentStatus.Failed, FailureKind.NotRun, "not started: the agent was stopped", 0), (left.Status, left.Failure, left.Reason, left.Attempt));
        Assert.Equal([1, 2], host.Finished.Select(f => f.Experiment.Sequence).Order());
        Assert.Equal(0, host.TicketsLeft);
        Assert.Equal(1, _sandbox.Runs(host.Assignment.CampaignId));
        Assert.Equal(ResourceUse.Zero, agent.Budget!.Reserved);
    }

    private static ExperimentTicket Ticket(int sequence, ExperimentKind kind) =>
        new() { Granted = true, Sequence = sequence, Kind = kind, IsBaseline = kind == ExperimentKind.Baseline };

    private Task<ScriptedAgentHost> HostAsync(string name, double cpuBudget, params ExperimentTicket[] tickets) => HostAsync(name, cpuBudget, gpus: 0, tickets);

    private async Task<ScriptedAgentHost> HostAsync(string name, double cpuBudget, int gpus, params ExperimentTicket[] tickets)
    {
        var id = TestSpecs.UniqueId(name);
        var spec = TestSpecs.Campaign(name, maxExperiments: 10, slots: 1, proposers: "random");
        if (gpus > 0) spec = spec with { Benchmark = spec.Benchmark with { Resources = spec.Benchmark.Resources with { Gpus = gpus } } };
        var agent = spec.Agents[0] with { CpuBudgetSeconds = cpuBudget };
        await Ledger.UpsertCampaignAsync(new CampaignRecord { Id = id, Name = name, Spec = spec, State = CampaignState.Running, CreatedAt = DateTimeOffset.UtcNow });
        return new ScriptedAgentHost(new AgentAssignment { CampaignId = id, Agent = agent, Benchmark = spec.Benchmark, Workers = 1, MaxSlots = 1 }, tickets);
    }

    private AgentSession Session(ScriptedAgentHost host, IProposerFactory? proposers = null) =>
        new(host, proposers ?? new ProposerFactory(), Ledger, Journal, _sandbox, new AgentOptions(), TimeProvider.System, NullLogger.Instance);

    private static async Task RunAsync(AgentSession agent)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await new AgentWorkLoop(agent).RunAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException("the agent's loop did not end within 30 s");
        }
    }

    /// <summary>A proposer whose every proposal puts x1 outside its range.</summary>
    private sealed class OutOfRangeProposers : IProposerFactory
    {
        public IReadOnlyCollection<string> Strategies => ["random"];

        public IProposer Create(AgentSpec agent) => new OutOfRange();

        private sealed class OutOfRange : IProposer
        {
            public string Name => "out-of-range";

            public Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken) =>
                Task.FromResult(new Proposal { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = "99", ["x2"] = "1" }), ProposerName = Name, Hypothesis = "far away" });
        }
    }
}

/// <summary>The campaign and the fleet as an agent sees them, scripted: the tickets it is given, slots always free.</summary>
public sealed class ScriptedAgentHost(AgentAssignment assignment, IEnumerable<ExperimentTicket> tickets) : IAgentHost
{
    private readonly Queue<ExperimentTicket> _tickets = new(tickets);

    public AgentAssignment Assignment => assignment;
    public bool Paused { get; set; }
    public bool StopRequested { get; set; }
    public BudgetSpec Budget => assignment.Agent.Budget;
    public CampaignState CampaignState { get; set; } = CampaignState.Running;
    public int TicketsLeft => _tickets.Count;
    public List<Guid> Leased { get; } = [];
    public List<Guid> Released { get; } = [];
    public int StaleReleases { get; private set; }
    public List<(ExperimentRecord Experiment, AgentStatus Status)> Finished { get; } = [];
    public AgentStatus? Saved { get; private set; }

    public Task<CampaignStatus> ReadCampaignAsync(CancellationToken cancellationToken = default) => Task.FromResult(new CampaignStatus
    {
        Id = assignment.CampaignId,
        Name = assignment.CampaignId,
        State = CampaignState,
        MaxExperiments = 10,
        Agents = [AgentStatus.Initial(assignment.Agent)],
        Deadline = DateTimeOffset.UtcNow.AddHours(1),
    });

    public int TicketsAsked { get; private set; }

    /// <summary>People's configurations queued for this agent ("try this next").</summary>
    public Queue<AutoResearch.Grains.Agents.QueuedConfiguration> Configurations { get; } = new();

    public Task<AutoResearch.Grains.Agents.QueuedConfiguration?> TakeConfigurationAsync() =>
        Task.FromResult(Configurations.TryDequeue(out var next) ? next : null);

    public Task<ExperimentTicket> RequestTicketAsync(TicketRequest request, CancellationToken cancellationToken)
    {
        TicketsAsked++;
        return Task.FromResult(_tickets.TryDequeue(out var ticket)
            ? ticket with { Reserved = request.Estimate }
            : new ExperimentTicket { Granted = false, Retry = false, Reason = "no more experiments" });
    }

    /// <summary>Slots the fleet has (null: always one free); a request beyond them waits a moment and gets no lease.</summary>
    public int? FreeSlots { get; init; }

    /// <summary>Requests that waited without a lease.</summary>
    public int SlotWaits { get; private set; }

    public async Task<SlotGrant> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken)
    {
        lock (Leased)
        {
            if (FreeSlots is not { } slots || Leased.Count - Released.Count < slots)
            {
                var lease = new SlotLease { LeaseId = Guid.NewGuid(), Slot = Leased.Count, GrantedAt = DateTimeOffset.UtcNow };
                Leased.Add(lease.LeaseId);
                return new SlotGrant { Lease = lease };
            }
            SlotWaits++;
        }
        await Task.Delay(20, cancellationToken);
        return SlotGrant.Wait;
    }

    public Task ReleaseSlotAsync(Guid leaseId)
    {
        lock (Leased) Released.Add(leaseId);
        return Task.CompletedTask;
    }

    public Task ReleaseStaleSlotsAsync(CancellationToken cancellationToken)
    {
        StaleReleases++;
        return Task.CompletedTask;
    }

    public Task ReportFinishedAsync(ExperimentRecord experiment, AgentStatus status)
    {
        Finished.Add((experiment, status));
        return Task.CompletedTask;
    }

    public Task SaveStatusAsync(AgentStatus status)
    {
        Saved = status;
        return Task.CompletedTask;
    }

    public void KeepAlive() { }
}
