using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Grains.Campaigns;
using AutoResearch.Grains.Fleets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace AutoResearch.Grains;

/// <summary>
/// One campaign: state machine (Created → Running ⇄ Paused → Completed/Stopped/Failed), deadline, its agents, the watchdog
/// timer and the scheduled-report reminder. Its books (<see cref="CampaignSession"/>: counts, budget, leaderboard, held-out
/// queue) are rebuilt from the ledger on activation, so a killed host loses nothing; tickets (<see cref="TicketDesk"/>),
/// results (<see cref="CampaignResults"/>), controls (<see cref="CampaignControls"/>), held-out re-validation
/// (<see cref="CampaignHoldout"/>) and gain allocation (<see cref="GainAllocator"/>) are plain classes over those books.
/// Control requests queued in the ledger by other processes (CLI, console) are applied by its watchdog, which also moves an
/// agent to a host with free slots while others of its agents wait for slots (<see cref="AgentRebalancer"/>).
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", Names.GrainStorage)] IPersistentState<CampaignGrainState> state,
    ILedger ledger,
    IJournal journal,
    IReportWriter reports,
    FleetDirectory fleets,
    TimeProvider clock,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable, ICampaignHost
{
    /// <summary>The reminder that writes the scheduled (morning) reports; it always points at the schedule's next time.</summary>
    public const string ScheduledReportReminder = "scheduled-report";

    private IGrainTimer? _watchdog;
    private CampaignSession? _session;
    private CampaignHoldout? _holdout;
    private CampaignControls? _controls;
    private CampaignResults? _results;
    private TicketDesk? _desk;
    private readonly AgentRebalancer _rebalancer = new();
    private AgentMoveInFlight? _move;

    public string CampaignId => this.GetPrimaryKeyString();
    private CampaignSession Books => _session ??= new CampaignSession(this, ledger, journal, clock, logger);
    private CampaignHoldout Holdout => _holdout ??= new CampaignHoldout(Books);
    private CampaignControls Controls => _controls ??= new CampaignControls(Books);
    private CampaignResults Results => _results ??= new CampaignResults(Books, Holdout);
    private TicketDesk Desk => _desk ??= new TicketDesk(Books, Holdout, new GainAllocator(Books), Controls);
    private CampaignSpec Spec => Books.Spec;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null)
            await Books.RebuildFromLedgerAsync(cancellationToken);
        // Re-activated on another silo (its silo died) while it runs: the watchdog (controls, deadline, completion) runs again at
        // once; the agents are restarted by Start, which CampaignTakeover calls.
        if (state.State.Spec is not null && Books.IsLive)
            StartWatchdog();
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<CampaignStatus> Start(CampaignSpec spec)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CampaignId"] = CampaignId });
        if (state.State.Spec is null)
        {
            var now = clock.GetUtcNow();
            state.State.Spec = spec;
            state.State.State = CampaignState.Running;
            state.State.CreatedAt = now;
            state.State.StartedAt = now;
            state.State.Deadline = now + spec.Duration;
            state.State.Agents = spec.Agents.ToDictionary(a => a.Id, AgentStatus.Initial);
            await state.WriteStateAsync();
            await Books.SaveCampaignRecordAsync();
            await Books.AppendAsync(Books.StartedLine());
            logger.LogInformation("Campaign {CampaignId} started with {AgentCount} agents, deadline {Deadline}", CampaignId, spec.Agents.Count, state.State.Deadline);
        }
        else if (Books.IsLive)
        {
            logger.LogInformation("Campaign {CampaignId} resumed with {Finished} finished experiments", CampaignId, Books.Finished);
            foreach (var id in state.State.Agents.Keys.ToList())
                state.State.Agents[id] = state.State.Agents[id] with { State = AgentState.Idle, Activity = "resuming" };
            await Books.AppendAsync($"Campaign resumed after a restart with {Books.Finished} finished experiments.");
        }

        if (Books.IsLive)
        {
            await ScheduleReportsAsync();
            await fleets.TryGetAsync(TimeSpan.FromSeconds(2)); // the live hosts' slots, which size the agents' workers
            await StartAgentsAsync();
            StartWatchdog();
        }
        return Books.BuildStatus();
    }

    public Task<CampaignStatus> GetStatus() => Task.FromResult(Books.BuildStatus());

    public Task<Leaderboard> GetLeaderboard() => Task.FromResult(state.State.Spec is null ? new Leaderboard() : Books.Board.Snapshot());

    public Task<CampaignStatus> Stop(string reason) =>
        Control(new ControlRequest { CampaignId = CampaignId, Action = ControlAction.Stop, Reason = reason, RequestedAt = clock.GetUtcNow() });

    public async Task<CampaignStatus> Control(ControlRequest request)
    {
        // A direct call is recorded in the ledger like a queued one, so reports and audits see every pause, stop and budget change.
        var recorded = request.Id == 0 ? await ledger.EnqueueControlAsync(request with { CampaignId = CampaignId }) : request;
        var outcome = await Controls.ApplyAsync(request);
        await ledger.CompleteControlAsync(recorded.Id, clock.GetUtcNow(), outcome);
        await WriteReportWhenSettledAsync();
        return Books.BuildStatus();
    }

    public Task<ExperimentTicket> RequestTicket(TicketRequest request) => Desk.RequestAsync(request);

    public async Task ReportFinished(ExperimentRecord experiment, AgentStatus agent)
    {
        state.State.Agents[agent.Id] = agent;
        await Results.ObserveAsync(experiment);
        await state.WriteStateAsync();
        await WriteReportWhenSettledAsync();
        await CheckCompletionAsync();
    }

    public async Task ReportAgent(AgentStatus agent)
    {
        state.State.Agents[agent.Id] = agent;
        await state.WriteStateAsync();
    }

    private void StartWatchdog() =>
        _watchdog ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is null) return;
        try
        {
            // A finished campaign still answers what was queued while it finished (a stop that came too late is "nothing
            // to do", not left queued for ever).
            await ApplyPendingControlsAsync(cancellationToken);
            await WriteReportWhenSettledAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reading control requests of campaign {CampaignId} failed", CampaignId);
        }
        if (Books.IsLive)
        {
            var hosts = await fleets.TryGetAsync(FleetRefresh); // hosts come and go: the campaign's capacity follows the live ones
            try
            {
                await RebalanceAsync(hosts.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Moving an agent of campaign {CampaignId} to another host failed; the watchdog tries again", CampaignId);
            }
            await CheckCompletionAsync();
        }
    }

    private static readonly TimeSpan FleetRefresh = TimeSpan.FromSeconds(10);

    /// <summary>How fresh the fleets' views are when a move is considered.</summary>
    private static readonly TimeSpan MoveCheck = TimeSpan.FromSeconds(2);

    /// <summary>How long a moving agent may take to deactivate before it is started again anyway.</summary>
    private static readonly TimeSpan DeactivationWait = TimeSpan.FromSeconds(10);

    /// <summary>An agent's move under way: asked to move, then (once its loop ended) deactivated, then started on <see cref="ToSilo"/>.</summary>
    private sealed class AgentMoveInFlight(string agentId, string toHost, SiloAddress toSilo)
    {
        public string AgentId => agentId;
        public string ToHost => toHost;
        public SiloAddress ToSilo => toSilo;
        public DateTimeOffset? DeactivationAskedAt { get; set; }
    }

    /// <summary>
    /// One step of moving agents to where the slots are (one watchdog tick): the move under way goes on (its agent's loop ended
    /// → deactivate it → start it with a placement hint for its new host), or, with none under way and the campaign running on
    /// more than one host, <see cref="AgentRebalancer"/> may ask one agent to move.
    /// </summary>
    private async Task RebalanceAsync(int hostCount)
    {
        var now = clock.GetUtcNow();
        if (_move is { } move)
        {
            await AdvanceMoveAsync(move, now);
            return;
        }
        // Its loop ended for a move this activation did not see through (the campaign was re-activated meanwhile): it starts
        // again where placement puts it.
        if (state.State.Agents.Values.FirstOrDefault(a => a is { State: AgentState.Idle, StopReason: AgentStopReason.Moving }) is { } stranded)
        {
            await RestartAgentAsync(stranded.Id, hint: null);
            return;
        }
        if (state.State.State != CampaignState.Running || hostCount < 2) return;

        var views = await fleets.TryGetAsync(MoveCheck);
        var plan = _rebalancer.Decide(now, [.. views.Select(v => HostLoad.From(v.Status, CampaignId))]);
        if (plan is null) return;
        var to = views.First(v => v.Status.Host == plan.ToHost).Silo;
        if (!await Agent(plan.AgentId).Move(plan.ToRequest()))
        {
            _rebalancer.Finished(now); // its loop is not running or already ending: nothing to move (looked at again after the cooldown)
            return;
        }
        _rebalancer.Started(plan.AgentId);
        _move = new AgentMoveInFlight(plan.AgentId, plan.ToHost, to);
        logger.LogInformation("Campaign {CampaignId} moves agent {AgentId} from host {FromHost} ({Waiting} waiting) to host {ToHost} ({FreeSlots} free slots)",
            CampaignId, plan.AgentId, plan.FromHost, plan.Waiting, plan.ToHost, plan.FreeSlots);
    }

    private async Task AdvanceMoveAsync(AgentMoveInFlight move, DateTimeOffset now)
    {
        var agent = state.State.Agents.GetValueOrDefault(move.AgentId);
        if (agent is null || agent.State is AgentState.Done or AgentState.Stopped)
        {
            // It ended for another reason before its loop handed over (failed, stopped): nothing to start elsewhere.
            _move = null;
            _rebalancer.Finished(now);
            return;
        }
        if (agent is not { State: AgentState.Idle, StopReason: AgentStopReason.Moving }) return; // its running experiments finish first
        var grain = Agent(move.AgentId);
        if (move.DeactivationAskedAt is not { } asked)
        {
            await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            move.DeactivationAskedAt = now;
            return;
        }
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var active = (await management.GetActiveGrains(grain.GetGrainId().Type)).Contains(grain.GetGrainId());
        if (active && now - asked < DeactivationWait) return;
        if (active)
            logger.LogWarning("Agent {AgentId} of campaign {CampaignId} did not deactivate within {Wait}; starting it where it is", move.AgentId, CampaignId, DeactivationWait);
        await RestartAgentAsync(move.AgentId, move.ToSilo);
        _move = null;
        _rebalancer.Finished(now);
        logger.LogInformation("Campaign {CampaignId}: agent {AgentId} started again for host {ToHost}", CampaignId, move.AgentId, move.ToHost);
    }

    /// <summary>Starts one agent with its share of workers, on <paramref name="hint"/> when it activates (and that silo is compatible).</summary>
    private async Task RestartAgentAsync(string agentId, SiloAddress? hint)
    {
        var spec = Spec.Agents.First(a => a.Id == agentId);
        var grain = Agent(agentId);
        if (hint is not null) RequestContext.Set(IPlacementDirector.PlacementHintKey, hint);
        try
        {
            // Bounded like every agent start (the campaign answers no agent meanwhile); one that times out is tried again next tick.
            await grain.Start(AssignmentFor(spec, Books.Workers()[agentId])).WaitAsync(AgentStartTimeout);
        }
        finally
        {
            if (hint is not null) RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
        state.State.Agents[agentId] = await grain.GetStatus();
        await state.WriteStateAsync();
    }

    private async Task ApplyPendingControlsAsync(CancellationToken cancellationToken)
    {
        foreach (var request in await ledger.GetPendingControlsAsync(CampaignId, cancellationToken))
        {
            var outcome = await Controls.ApplyAsync(request);
            // Applied is applied: its outcome is recorded even when the timer is being cancelled (deactivation, shutdown).
            await ledger.CompleteControlAsync(request.Id, clock.GetUtcNow(), outcome, CancellationToken.None);
        }
    }

    private async Task CheckCompletionAsync()
    {
        if (state.State.Spec is null || !Books.IsLive || Books.Running > 0) return;
        var agentsDone = state.State.Agents.Count > 0 && state.State.Agents.Values.All(a => a.State is AgentState.Done or AgentState.Stopped);
        var finished = Books.WhyFinished();
        if (finished is null && !(agentsDone && state.State.State == CampaignState.Running)) return;
        var reason = Holdout.FinishReason ??= finished ?? Books.AgentsDoneReason();
        // The search is over: its held-out re-validation runs before the campaign completes (inside the same budget).
        if (await Holdout.KeepsCampaignOpenAsync(agentsDone))
            return;
        await FinishAsync(CampaignState.Completed, reason);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ScheduledReportReminder) return;
        if (state.State.Spec is null || !Books.IsLive)
        {
            await CancelScheduledReportsAsync();
            return;
        }
        await ScheduleReportsAsync();
    }

    /// <summary>
    /// Writes the report of the schedule's latest time when it has not been written yet (also after a restart that missed it),
    /// then points the reminder at the schedule's next time. The reminder is persistent, so it fires after a restart too.
    /// </summary>
    private async Task ScheduleReportsAsync()
    {
        var schedule = Spec.Reports;
        if (schedule.IsEmpty)
        {
            await CancelScheduledReportsAsync();
            return;
        }
        var now = clock.GetUtcNow();
        if (ScheduledReports.Due(schedule, now, state.State.StartedAt, state.State.LastScheduledReport) is { } due)
        {
            state.State.LastScheduledReport = due;
            var files = await WriteReportAsync(ReportTrigger.Scheduled);
            await Books.AppendAsync(ScheduledReports.JournalLine(schedule, due, now, files));
        }
        if (schedule.Next(now) is { } next)
        {
            var dueIn = next - clock.GetUtcNow();
            await this.RegisterOrUpdateReminder(ScheduledReportReminder, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, TimeSpan.FromDays(1));
            logger.LogInformation("Campaign {CampaignId}: next scheduled report at {Next}", CampaignId, next);
        }
    }

    private async Task CancelScheduledReportsAsync()
    {
        if (await this.GetReminder(ScheduledReportReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    public async Task FinishAsync(CampaignState final, string reason, bool writeReport = true)
    {
        state.State.State = final;
        state.State.EndedAt = clock.GetUtcNow();
        state.State.Reason = reason;
        await state.WriteStateAsync();
        await Books.SaveCampaignRecordAsync();
        await Results.CloseAsync();
        await Books.AppendAsync(Books.ClosingLine(final, reason));
        logger.LogInformation("Campaign {CampaignId} {State}: {Reason}", CampaignId, final, reason);
        await CancelScheduledReportsAsync();
        if (writeReport)
        {
            StopWatchdog();
            await WriteReportAsync(ReportTrigger.Final);
        }
    }

    /// <summary>
    /// After a stop: writes the report once no experiment is running any more, or once the last one has had its time
    /// limit and a minute more (an agent that never reported back must not keep the report from being written).
    /// The watchdog keeps the grain alive until then.
    /// </summary>
    private async Task WriteReportWhenSettledAsync()
    {
        if (!Books.ReportPending) return;
        var overdue = state.State.EndedAt is { } ended && clock.GetUtcNow() > ended + Spec.Benchmark.TimeLimit + TimeSpan.FromMinutes(1);
        if (Books.Running > 0 && !overdue) return;
        Books.ReportPending = false;
        StopWatchdog();
        await WriteReportAsync(ReportTrigger.Final);
    }

    private void StopWatchdog()
    {
        _watchdog?.Dispose();
        _watchdog = null;
    }

    /// <summary>Writes a new report (kept with the earlier ones); null when it failed (logged: a report never stops the campaign).</summary>
    private async Task<ReportFiles?> WriteReportAsync(ReportTrigger trigger)
    {
        try
        {
            var files = await reports.WriteAsync(CampaignId, trigger);
            await Books.ChargeReportAdviceAsync();
            state.State.ReportMarkdown = files.Markdown;
            state.State.ReportHtml = files.Html;
            await state.WriteStateAsync();
            logger.LogInformation("Campaign {CampaignId}: {Trigger} report written to {Report}", CampaignId, trigger, files.Snapshot ?? files.Html);
            return files;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Writing the {Trigger} report of campaign {CampaignId} failed", trigger, CampaignId);
            return null;
        }
    }

    // ICampaignHost: the campaign's plain classes reach its state, the fleet's size, its agents and its end through these.
    public CampaignGrainState State => state.State;
    /// <summary>The slots of every live host (one fleet per silo), as last read: a second silo adds its slots.</summary>
    public int FleetSlots => fleets.Slots;
    public IDiskSpaceGuard? DiskGuard => ServiceProvider.GetService<IDiskSpaceGuard>();
    public Task SaveStateAsync() => state.WriteStateAsync();

    /// <summary>
    /// How long starting one agent may hold up the campaign's start. In a cluster an agent whose silo just died is placed
    /// again only once the membership and the grain directory have settled (10-40 s after a kill -9, more under load), and
    /// this grain answers no agent while it starts (it is not reentrant): an agent not started in time is logged and left to
    /// the cluster's takeover, which starts the agents that are active nowhere again.
    /// </summary>
    public static readonly TimeSpan AgentStartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Starts every agent at once (a slow one does not hold up the others); an agent's start is idempotent.</summary>
    public async Task StartAgentsAsync()
    {
        var workers = Books.Workers();
        var starts = Spec.Agents.Select(async agent =>
        {
            try
            {
                await Agent(agent.Id).Start(AssignmentFor(agent, workers[agent.Id])).WaitAsync(AgentStartTimeout);
            }
            catch (Exception ex) when (TransientRetry.IsTransient(ex))
            {
                logger.LogWarning("Agent {AgentId} of campaign {CampaignId} did not start within {Timeout} ({Error}); the takeover starts it again",
                    agent.Id, CampaignId, AgentStartTimeout, ex.Message);
            }
        }).ToList();
        await Task.WhenAll(starts);
    }

    private AgentAssignment AssignmentFor(AgentSpec agent, int workers) => new()
    {
        CampaignId = CampaignId,
        Agent = agent,
        Benchmark = Spec.Benchmark,
        Workers = workers,
        CampaignWeight = Spec.Weight,
        MaxSlots = Books.Slots,
        Approval = Spec.Approval,
    };

    public async Task StopAgentsAsync()
    {
        foreach (var agent in Spec.Agents)
            await Agent(agent.Id).Stop();
    }

    public Task<AgentStatus> ControlAgentAsync(string agentId, ControlRequest request) => Agent(agentId).Control(request);

    private IAgentGrain Agent(string agentId) => GrainFactory.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(CampaignId, agentId));
}
