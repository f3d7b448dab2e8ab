using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Grains.Campaigns;
using AutoResearch.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// The campaign's tickets, results and controls without a silo: a SQLite ledger and journal and a scripted
/// <see cref="ICampaignHost"/> in place of the grain (its state, agents and end).
/// </summary>
public sealed class CampaignCoreTests : IAsyncLifetime
{
    private SqliteLedgerScope _ledger = null!;
    private ILedger Ledger => _ledger.Ledger;
    private IJournal Journal => _ledger.Journal;

    public async Task InitializeAsync() => _ledger = await SqliteLedgerScope.CreateAsync("ar-core");

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    [Fact]
    public async Task The_baseline_goes_first_every_experiment_is_granted_once_and_a_rejected_proposal_gives_its_experiment_back()
    {
        var (host, core) = await CoreAsync("tickets", TestSpecs.Campaign("tickets", maxExperiments: 3, slots: 1) with { Noise = NoiseSpec.Off });
        var tickets = new List<ExperimentTicket>();
        for (var i = 0; i < 3; i++) tickets.Add(await core.Desk.RequestAsync(Ask("gp-1")));

        Assert.Equal([ExperimentKind.Baseline, ExperimentKind.Proposal, ExperimentKind.Proposal], tickets.Select(t => t.Kind));
        Assert.Equal([0, 1, 2], tickets.Select(t => t.Sequence));
        var full = await core.Desk.RequestAsync(Ask("gp-1"));
        Assert.Equal((false, true), (full.Granted, full.Retry));
        Assert.Equal(3, host.State.NextSequence);

        await core.Results.ObserveAsync(Finished(host, 1, ExperimentKind.Proposal, objective: null, FailureKind.Rejected));
        var again = await core.Desk.RequestAsync(Ask("random-2"));
        Assert.Equal((true, 3, ExperimentKind.Proposal), (again.Granted, again.Sequence, again.Kind));

        await core.Results.ObserveAsync(Finished(host, 0, ExperimentKind.Baseline, objective: 10));
        await core.Results.ObserveAsync(Finished(host, 2, ExperimentKind.Proposal, objective: 12));
        await core.Results.ObserveAsync(Finished(host, 3, ExperimentKind.Proposal, objective: null, FailureKind.Crash));
        var over = await core.Desk.RequestAsync(Ask("gp-1"));
        Assert.Equal((false, false, "all 3 experiments granted"), (over.Granted, over.Retry, over.Reason));
        var status = core.Session.BuildStatus();
        Assert.Equal((3, 3, 2, 1, 0), (status.Launched, status.Finished, status.Succeeded, status.Failed, core.Session.Running));
        Assert.Equal(10, status.Baseline);
    }

    [Fact]
    public async Task A_better_result_is_judged_a_new_best_saved_with_its_verdict_on_the_leaderboard_and_journaled()
    {
        var (host, core) = await CoreAsync("best", TestSpecs.Campaign("best", maxExperiments: 5, slots: 1) with { Noise = NoiseSpec.Off });
        await core.Desk.RequestAsync(Ask("gp-1"));
        await core.Desk.RequestAsync(Ask("gp-1"));
        var baseline = Finished(host, 0, ExperimentKind.Baseline, objective: 10);
        var better = Finished(host, 1, ExperimentKind.Proposal, objective: 4);
        await Ledger.SaveExperimentsAsync([baseline, better]);

        await core.Results.ObserveAsync(baseline);
        await core.Results.ObserveAsync(better);

        var board = await Ledger.GetLeaderboardAsync(host.CampaignId);
        Assert.Equal([baseline.Id, better.Id], board.Select(e => e.ExperimentId));
        Assert.Equal(AcceptanceVerdict.Accepted, (await Ledger.GetExperimentAsync(better.Id))!.Verdict);
        var line = Assert.Single(await Journal.ReadAsync(host.CampaignId), e => e.Kind == JournalEntryKind.Insight);
        Assert.Equal(better.Id, line.ExperimentId);
        Assert.StartsWith("New best value=4 over 1 run(s) by gp-1 (experiment #1)", line.Text, StringComparison.Ordinal);
        Assert.Equal((4.0, better.Id), (core.Session.BuildStatus().Best, core.Session.BuildStatus().BestExperimentId));
    }

    [Fact]
    public async Task A_campaign_budget_that_cannot_cover_a_run_refuses_the_ticket_and_says_retry_only_while_runs_may_refund()
    {
        var (host, core) = await CoreAsync("budget", TestSpecs.Campaign("budget", maxExperiments: 5, slots: 1) with { Budget = new BudgetSpec { CpuSeconds = 15 }, Noise = NoiseSpec.Off });
        var first = await core.Desk.RequestAsync(Ask("gp-1"));
        var second = await core.Desk.RequestAsync(Ask("gp-1"));
        Assert.True(first.Granted);
        Assert.Equal((false, true), (second.Granted, second.Retry));
        Assert.StartsWith("campaign budget:", second.Reason, StringComparison.Ordinal);

        // The run used 2 of the 10 CPU-s reserved for it: the refund makes room for the next.
        await core.Results.ObserveAsync(Finished(host, 0, ExperimentKind.Baseline, objective: 10) with { CpuSeconds = 2 });
        Assert.True((await core.Desk.RequestAsync(Ask("gp-1"))).Granted);
        await core.Results.ObserveAsync(Finished(host, 1, ExperimentKind.Proposal, objective: 9) with { CpuSeconds = 10 });
        var spent = await core.Desk.RequestAsync(Ask("gp-1"));
        Assert.Equal((false, false), (spent.Granted, spent.Retry));
    }

    [Fact]
    public async Task Low_disk_pauses_the_campaign_through_the_pause_control_and_the_agent_is_told_to_retry()
    {
        var (host, core) = await CoreAsync("disk", TestSpecs.Campaign("disk", maxExperiments: 5, slots: 1));
        var guard = new ScriptedDiskSpaceGuard();
        guard.LowAfter(0, new DiskSpaceCheck.Low("/data", 1_000, 5_000_000_000));
        host.DiskGuard = guard;

        var ticket = await core.Desk.RequestAsync(Ask("gp-1"));

        Assert.Equal((false, true), (ticket.Granted, ticket.Retry));
        Assert.Equal(CampaignState.Paused, host.State.State);
        Assert.StartsWith("paused: ", host.State.Reason, StringComparison.Ordinal);
        Assert.Contains(await Journal.ReadAsync(host.CampaignId), e => e.Text.StartsWith("Campaign paused by the disk guard", StringComparison.Ordinal));
        Assert.Equal(CampaignState.Paused, (await Ledger.GetCampaignAsync(host.CampaignId))!.State);
        Assert.Equal(0, host.State.NextSequence);
    }

    [Fact]
    public async Task Controls_say_what_they_did_as_typed_outcomes_and_a_stop_ends_the_campaign_and_stops_every_agent()
    {
        var (host, core) = await CoreAsync("controls", TestSpecs.Campaign("controls", maxExperiments: 5, slots: 1));
        ControlRequest Request(ControlAction action, string? agent = null) =>
            new() { CampaignId = host.CampaignId, Action = action, AgentId = agent, RequestedBy = "test", RequestedAt = DateTimeOffset.UtcNow };

        Assert.Equal(ControlOutcomeKind.NoOp, (await core.Controls.ApplyAsync(Request(ControlAction.Resume))).Kind);
        Assert.Equal(ControlOutcomeKind.Refused, (await core.Controls.ApplyAsync(Request(ControlAction.Pause, agent: "nobody"))).Kind);
        Assert.Equal(ControlOutcomeKind.Refused, (await core.Controls.ApplyAsync(Request(ControlAction.SetBudget))).Kind);
        Assert.Equal(ControlOutcomeKind.Applied, (await core.Controls.ApplyAsync(Request(ControlAction.Pause, agent: "gp-1"))).Kind);
        Assert.Equal(["gp-1"], host.AgentControls);
        Assert.Equal(ControlOutcomeKind.Applied, (await core.Controls.ApplyAsync(Request(ControlAction.Stop))).Kind);

        Assert.Equal((CampaignState.Stopped, "stopped by test", false), host.Finished);
        Assert.True(core.Session.ReportPending);
        Assert.Equal(1, host.AgentStops);
    }

    [Fact]
    public async Task New_limits_are_in_force_at_once_for_tickets_and_the_status_and_are_journaled()
    {
        var (host, core) = await CoreAsync("limits", TestSpecs.Campaign("limits", maxExperiments: 2, slots: 1) with { Noise = NoiseSpec.Off });
        Assert.True((await core.Desk.RequestAsync(Ask("gp-1"))).Granted);
        Assert.True((await core.Desk.RequestAsync(Ask("gp-1"))).Granted);
        var full = await core.Desk.RequestAsync(Ask("gp-1"));
        Assert.Equal((false, "all 2 experiments granted; waiting for 2 to finish"), (full.Granted, full.Reason));

        var deadline = DateTimeOffset.UtcNow.AddHours(3);
        var outcome = await core.Controls.ApplyAsync(Steer(host, ControlAction.SetLimits) with { Limits = new LimitsChange { MaxExperiments = 4, Slots = 2, Deadline = deadline } });

        Assert.Equal(ControlOutcomeKind.Applied, outcome.Kind);
        var ticket = await core.Desk.RequestAsync(Ask("gp-1"));
        Assert.Equal((true, 2, 2, deadline), (ticket.Granted, ticket.Sequence, ticket.MaxSlots, ticket.MustFinishBy));
        var status = core.Session.BuildStatus();
        Assert.Equal((4, 2, deadline), (status.MaxExperiments, status.Slots, status.Deadline));
        Assert.Equal(deadline, (await Ledger.GetCampaignAsync(host.CampaignId))!.Deadline);
        Assert.Equal(1, host.AgentStarts);
        Assert.Contains(await Journal.ReadAsync(host.CampaignId), e => e.Text.StartsWith("Campaign limits changed by test", StringComparison.Ordinal) && e.Text.Contains("max_experiments 2 → 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Limits_that_cannot_hold_are_refused_naming_the_field_and_change_nothing()
    {
        var (host, core) = await CoreAsync("bad-limits", TestSpecs.Campaign("bad-limits", maxExperiments: 5, slots: 1) with { Noise = NoiseSpec.Off });
        await core.Desk.RequestAsync(Ask("gp-1"));
        await core.Desk.RequestAsync(Ask("gp-1"));
        async Task<ControlOutcome> Set(LimitsChange change) => await core.Controls.ApplyAsync(Steer(host, ControlAction.SetLimits) with { Limits = change });

        var past = await Set(new LimitsChange { Deadline = DateTimeOffset.UtcNow.AddMinutes(-1) });
        var below = await Set(new LimitsChange { MaxExperiments = 1 });
        var none = await Set(new LimitsChange { Slots = 0 });
        var tooMany = await Set(new LimitsChange { Slots = 3 });

        Assert.All([past, below, none, tooMany], o => Assert.Equal(ControlOutcomeKind.Refused, o.Kind));
        Assert.Contains("deadline", past.Text, StringComparison.Ordinal);
        Assert.Contains("is in the past", past.Text, StringComparison.Ordinal);
        Assert.Contains("max_experiments 1 is below the 2 experiments", below.Text, StringComparison.Ordinal);
        Assert.Contains("slots must be at least 1", none.Text, StringComparison.Ordinal);
        Assert.Contains("slots 3 is more than the fleet's 2", tooMany.Text, StringComparison.Ordinal);
        Assert.Equal((5, 1), (core.Session.MaxExperiments, core.Session.Slots));
        Assert.Equal(0, host.AgentStarts);
    }

    [Fact]
    public async Task A_stop_of_one_experiment_goes_to_the_agent_running_it_and_unknown_or_finished_ones_are_not_stopped()
    {
        var (host, core) = await CoreAsync("stop-one", TestSpecs.Campaign("stop-one", maxExperiments: 5, slots: 1));
        var running = Finished(host, 1, ExperimentKind.Proposal, objective: null) with { AgentId = "random-2", Status = ExperimentStatus.Running, EndedAt = null };
        await Ledger.SaveExperimentsAsync([running, Finished(host, 2, ExperimentKind.Proposal, objective: 3)]);

        var stopped = await core.Controls.ApplyAsync(Steer(host, ControlAction.StopExperiment) with { ExperimentSequence = 1, Reason = "wrong idea" });
        var unknown = await core.Controls.ApplyAsync(Steer(host, ControlAction.StopExperiment) with { ExperimentSequence = 9 });
        var finished = await core.Controls.ApplyAsync(Steer(host, ControlAction.StopExperiment) with { ExperimentSequence = 2 });

        Assert.Equal(ControlOutcomeKind.Applied, stopped.Kind);
        var (agent, request) = Assert.Single(host.AgentRequests);
        Assert.Equal(("random-2", ControlAction.StopExperiment, 1), (agent, request.Action, request.ExperimentSequence));
        Assert.Equal((ControlOutcomeKind.Refused, "refused: experiment: the campaign has no experiment #9"), (unknown.Kind, unknown.Text));
        Assert.Equal(ControlOutcomeKind.NoOp, finished.Kind);
        Assert.Contains(await Journal.ReadAsync(host.CampaignId), e => e.ExperimentId == running.Id && e.Text.StartsWith("Stop of experiment #1 requested by test (wrong idea)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_persons_configuration_goes_to_the_chosen_agent_or_any_running_one_and_bad_values_are_refused_naming_each_parameter()
    {
        var (host, core) = await CoreAsync("try", TestSpecs.Campaign("try", maxExperiments: 5, slots: 1));
        ControlRequest Try(Dictionary<string, string> values, string? agent = null) => Steer(host, ControlAction.TryConfiguration) with { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(values), AgentId = agent };

        var any = await core.Controls.ApplyAsync(Try(new() { ["x1"] = "2.5" }));
        var chosen = await core.Controls.ApplyAsync(Try(new() { ["x2"] = "7" }, agent: "random-2"));
        var bad = await core.Controls.ApplyAsync(Try(new() { ["x1"] = "99", ["x3"] = "1" }));
        host.State.Agents["gp-1"] = host.State.Agents["gp-1"] with { State = AgentState.Done };
        var done = await core.Controls.ApplyAsync(Try(new() { ["x1"] = "1" }, agent: "gp-1"));

        Assert.Equal((ControlOutcomeKind.Applied, "queued as agent gp-1's next proposal"), (any.Kind, any.Text));
        Assert.Equal(ControlOutcomeKind.Applied, chosen.Kind);
        Assert.Equal(["gp-1", "random-2"], host.AgentRequests.Select(r => r.AgentId));
        Assert.All(host.AgentRequests, r => Assert.Equal(ControlAction.TryConfiguration, r.Request.Action));
        Assert.Equal(ControlOutcomeKind.Refused, bad.Kind);
        Assert.Contains("parameter 'x1'=99 is outside", bad.Text, StringComparison.Ordinal);
        Assert.Contains("parameter 'x3' is not declared", bad.Text, StringComparison.Ordinal);
        Assert.Equal((ControlOutcomeKind.Refused, "refused: agent: gp-1 is done and proposes nothing more"), (done.Kind, done.Text));
        Assert.Contains(await Journal.ReadAsync(host.CampaignId), e => e.Text == "Configuration queued by test as agent gp-1's next proposal: x1=2.5.");
    }

    private static ControlRequest Steer(ScriptedCampaignHost host, ControlAction action) =>
        new() { CampaignId = host.CampaignId, Action = action, RequestedBy = "test", RequestedAt = DateTimeOffset.UtcNow };

    private static TicketRequest Ask(string agentId) => new() { AgentId = agentId, Estimate = new ResourceUse { CpuSeconds = 10 } };

    private static ExperimentRecord Finished(ScriptedCampaignHost host, int sequence, ExperimentKind kind, double? objective, FailureKind failure = FailureKind.None) => new()
    {
        Id = ExperimentIds.For(host.CampaignId, sequence),
        CampaignId = host.CampaignId,
        AgentId = "gp-1",
        Sequence = sequence,
        ProposerName = kind == ExperimentKind.Baseline ? "baseline" : "gp",
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = "1", ["x2"] = "2" }),
        Kind = kind,
        IsBaseline = kind == ExperimentKind.Baseline,
        Status = objective is null ? ExperimentStatus.Failed : ExperimentStatus.Succeeded,
        Failure = failure,
        Objective = objective,
        QueuedAt = DateTimeOffset.UtcNow,
        StartedAt = DateTimeOffset.UtcNow,
        EndedAt = DateTimeOffset.UtcNow,
    };

    private async Task<(ScriptedCampaignHost Host, Core Core)> CoreAsync(string name, CampaignSpec spec)
    {
        var now = DateTimeOffset.UtcNow;
        var host = new ScriptedCampaignHost(TestSpecs.UniqueId(name), new CampaignGrainState
        {
            Spec = spec, State = CampaignState.Running, CreatedAt = now, StartedAt = now, Deadline = now + spec.Duration,
            Agents = spec.Agents.ToDictionary(a => a.Id, AgentStatus.Initial),
        });
        var session = new CampaignSession(host, Ledger, Journal, TimeProvider.System, NullLogger.Instance);
        await session.SaveCampaignRecordAsync();
        var holdout = new CampaignHoldout(session);
        var controls = new CampaignControls(session);
        return (host, new Core(session, new TicketDesk(session, holdout, new GainAllocator(session), controls), new CampaignResults(session, holdout), controls));
    }

    private sealed record Core(CampaignSession Session, TicketDesk Desk, CampaignResults Results, CampaignControls Controls);

    /// <summary>The campaign grain as its plain classes see it, scripted: state in memory, agents and the end counted.</summary>
    private sealed class ScriptedCampaignHost(string id, CampaignGrainState state) : ICampaignHost
    {
        public string CampaignId => id;
        public CampaignGrainState State => state;
        public int FleetSlots => 2;
        public IDiskSpaceGuard? DiskGuard { get; set; }
        public int AgentStops { get; private set; }
        public List<string> AgentControls { get; } = [];
        public (CampaignState, string, bool)? Finished { get; private set; }

        public Task SaveStateAsync() => Task.CompletedTask;
        public int AgentStarts { get; private set; }
        public List<(string AgentId, ControlRequest Request)> AgentRequests { get; } = [];

        public Task StartAgentsAsync()
        {
            AgentStarts++;
            return Task.CompletedTask;
        }

        public Task StopAgentsAsync()
        {
            AgentStops++;
            return Task.CompletedTask;
        }

        public Task<AgentStatus> ControlAgentAsync(string agentId, ControlRequest request)
        {
            AgentControls.Add(agentId);
            AgentRequests.Add((agentId, request));
            return Task.FromResult(state.Agents[agentId] with { State = AgentState.Paused });
        }

        public Task FinishAsync(CampaignState final, string reason, bool writeReport = true)
        {
            state.State = final;
            state.Reason = reason;
            Finished = (final, reason, writeReport);
            return Task.CompletedTask;
        }
    }
}
