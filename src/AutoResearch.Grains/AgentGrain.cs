using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Grains.Agents;
using AutoResearch.Grains.Fleets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace AutoResearch.Grains;

/// <summary>
/// A research agent: its persisted settings (assignment, pause, stop, budget changes), its controls, and the timer that runs
/// its research loop (<see cref="AgentWorkLoop"/>: workers that take tickets and run experiments through
/// <see cref="ExperimentPipeline"/>). The loop runs as an interleaving grain timer so status and control calls are answered
/// while experiments run; it reaches the campaign and the fleet through this grain's <see cref="IAgentHost"/>.
/// </summary>
[Reentrant]
[AgentPlacement]
public sealed class AgentGrain(
    [PersistentState("agent", Names.GrainStorage)] IPersistentState<AgentGrainState> state,
    IProposerFactory proposers,
    ISandboxRunner sandbox,
    ILedger ledger,
    IJournal journal,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain, IAgentHost
{
    private IGrainTimer? _loop;
    private AgentSession? _session;

    public AgentAssignment Assignment => state.State.Assignment ?? throw new InvalidOperationException($"Agent '{this.GetPrimaryKeyString()}' has no assignment.");
    private AgentSession Session => _session ??= new AgentSession(this, proposers, ledger, journal, sandbox, options.Value, clock, logger);
    private AgentSpec Spec => Assignment.Agent;
    private string CampaignId => Assignment.CampaignId;
    private ICampaignGrain Campaign => GrainFactory.GetGrain<ICampaignGrain>(CampaignId);
    // The fleet of the Docker host this activation's silo runs containers on; after a re-activation elsewhere, that host's.
    private IFleetGrain Fleet => ServiceProvider.GetRequiredService<FleetDirectory>().Local;

    public async Task Start(AgentAssignment assignment)
    {
        state.State.Assignment = assignment;
        await state.WriteStateAsync();
        // The campaign starts its agents again when it resumes or its budget changes: wake workers waiting for that.
        Session.WakeUp.Pulse();
        if (state.State.StopRequested || Session.LoopRunning) return;
        StartLoop();
    }

    public Task<AgentStatus> GetStatus() =>
        Task.FromResult(_session?.Status ?? state.State.LastStatus ?? (state.State.Assignment is null
            ? throw new InvalidOperationException($"Agent '{this.GetPrimaryKeyString()}' was never started.")
            : AgentStatus.Initial(Spec)));

    public async Task Stop()
    {
        state.State.StopRequested = true;
        await state.WriteStateAsync();
        _session?.WakeUp.Pulse(); // a ready experiment waiting for a resume is recorded as not run now
        // Stopped between its move's end and its start on the new host: the loop runs once more, here, to record the
        // experiments it took along as not run (it starts nothing new).
        if (state.State.LastStatus is { StopReason: AgentStopReason.Moving } && state.State.Assignment is not null && !Session.LoopRunning)
            StartLoop();
    }

    public async Task<AgentStatus> Control(ControlRequest request)
    {
        var session = Session;
        var by = string.IsNullOrWhiteSpace(request.RequestedBy) ? "" : $" by {request.RequestedBy}";
        var why = string.IsNullOrWhiteSpace(request.Reason) ? "" : $": {request.Reason}";
        switch (request.Action)
        {
            case ControlAction.Pause:
                state.State.Paused = true;
                await state.WriteStateAsync();
                await session.WriteJournalAsync(JournalEntryKind.System, $"Paused{by}{why}. Experiments already running finish.", null);
                break;
            case ControlAction.Resume:
                state.State.Paused = false;
                await state.WriteStateAsync();
                await session.WriteJournalAsync(JournalEntryKind.System, $"Resumed{by}{why}.", null);
                if (!session.LoopRunning && !state.State.StopRequested) StartLoop();
                break;
            case ControlAction.Stop:
                await Stop();
                await session.WriteJournalAsync(JournalEntryKind.System, $"Stopped{by}{why}. Experiments already running finish; everything recorded stays.", null);
                break;
            case ControlAction.SetBudget when request.Budget is { IsEmpty: false } change:
                var before = Budget;
                state.State.Budget = before.With(change);
                await state.WriteStateAsync();
                session.Budget?.SetBudget(state.State.Budget);
                session.BudgetNoticeWritten = false;
                session.Status = session.Current with
                {
                    TokenBudget = state.State.Budget.Tokens,
                    CpuBudgetSeconds = state.State.Budget.CpuSeconds,
                    GpuBudgetSeconds = state.State.Budget.GpuSeconds,
                };
                await session.WriteJournalAsync(JournalEntryKind.System,
                    $"Budget changed{by}{why}: {BudgetText.Describe(before)} → {BudgetText.Describe(state.State.Budget)}.", null);
                if (!session.LoopRunning && !state.State.StopRequested) StartLoop();
                break;
            case ControlAction.StopExperiment when request.ExperimentSequence is { } sequence:
                // Running here: its sandbox is killed now; not started yet: recorded as stopped when it would start.
                session.RunStops.Request(sequence, new PersonStop(request.RequestedBy, request.Reason));
                break;
            case ControlAction.ApproveExperiment or ControlAction.RejectExperiment when request.ExperimentSequence is { } decided:
                // The experiment waits (without a slot) for this: it runs, or is recorded as rejected, when its worker wakes.
                session.Approvals.Decide(decided, new ApprovalDecision(request.Action == ControlAction.ApproveExperiment, request.RequestedBy, request.Reason));
                break;
            case ControlAction.TryConfiguration when request.Parameters is { Count: > 0 } parameters:
                state.State.Configurations.Add(new QueuedConfiguration
                {
                    Parameters = parameters,
                    RequestedBy = request.RequestedBy,
                    Reason = request.Reason,
                    RequestedAt = request.RequestedAt,
                    ControlId = request.Id,
                });
                await state.WriteStateAsync();
                break;
        }
        session.Status = session.Current with { State = session.StateNow() };
        session.WakeUp.Pulse();
        return session.Status;
    }

    public async Task<bool> Move(AgentMove move)
    {
        var session = Session;
        if (!session.LoopRunning || state.State.StopRequested || !session.MoveTo(move.ToHost)) return false;
        logger.LogInformation("Agent {AgentId} of campaign {CampaignId} moves from host {FromHost} to host {ToHost}: {FreeSlots} free slots there, {Waiting} waiting here",
            Spec.Id, CampaignId, move.FromHost, move.ToHost, move.FreeSlots, move.Waiting);
        await session.WriteJournalAsync(JournalEntryKind.System, move.Describe(), null);
        return true;
    }

    private void StartLoop()
    {
        var session = Session;
        session.LoopRunning = true;
        session.Stop = null;
        session.Status = (session.Status ?? state.State.LastStatus ?? AgentStatus.Initial(Spec)) with { State = AgentState.Running, Activity = "starting", StopReason = AgentStopReason.None, StopDetail = null };
        _loop?.Dispose();
        _loop = this.RegisterGrainTimer(RunLoopAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        var session = Session;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CampaignId"] = CampaignId, ["AgentId"] = Spec.Id });
        try
        {
            await new AgentWorkLoop(session).RunAsync(cancellationToken);
            if (state.State.StopRequested && session.MovingTo is not null)
            {
                // Stopped while moving: the experiments it left for its new host are recorded as not run now, here.
                session.Stop = (AgentStopReason.Stopped, null);
                await new AgentWorkLoop(session).RunAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Host shutting down: interrupted experiments stay queued/running in the ledger and are re-run on the next start.
            session.LoopRunning = false;
            return;
        }
        catch (Orleans.Storage.InconsistentStateException ex)
        {
            // Another activation of this agent wrote its state since this one read it: this one is a duplicate (the cluster
            // lost track of the other while a silo died). It stops without reporting an end, which is the other's to report.
            logger.LogWarning("Agent {AgentId} of campaign {CampaignId} is active elsewhere too ({Error}); this activation stops", Spec.Id, CampaignId, ex.Message);
            session.LoopRunning = false;
            DeactivateOnIdle();
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Agent {AgentId} of campaign {CampaignId} failed", Spec.Id, CampaignId);
            session.Stop = (AgentStopReason.Failed, ex.Message);
        }

        session.LoopRunning = false;
        // Moving: not an end. It waits (idle) for its campaign to re-activate it on its new host.
        var final = state.State.StopRequested ? AgentState.Stopped : session.MovingTo is not null ? AgentState.Idle : AgentState.Done;
        var status = session.End(final);
        state.State.LastStatus = status;
        await state.WriteStateAsync();
        await TransientRetry.RunAsync(() => Campaign.ReportAgent(status), "report to the campaign", logger);
    }

    // IAgentHost: the loop's view of this grain's state, and its calls to the campaign and the fleet (retried while a silo fails over).
    public bool Paused => state.State.Paused;
    public bool StopRequested => state.State.StopRequested;
    public BudgetSpec Budget => state.State.Budget ?? Spec.Budget;

    public Task<CampaignStatus> ReadCampaignAsync(CancellationToken cancellationToken = default) =>
        TransientRetry.RunAsync(() => Campaign.GetStatus(), "read the campaign", logger, cancellationToken);

    public Task<ExperimentTicket> RequestTicketAsync(TicketRequest request, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(() => Campaign.RequestTicket(request), "ask the campaign for a ticket", logger, cancellationToken, retryTimeouts: false);

    public Task<SlotGrant> AcquireSlotAsync(SlotRequest request, CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(() => Fleet.Acquire(request, options.Value.SlotWait), "ask the fleet for a slot", logger, cancellationToken, retryTimeouts: false);

    public Task ReleaseSlotAsync(Guid leaseId) => TransientRetry.RunAsync(() => Fleet.Release(leaseId), "release the sandbox slot", logger);

    public Task ReleaseStaleSlotsAsync(CancellationToken cancellationToken) =>
        TransientRetry.RunAsync(() => Fleet.ReleaseHeldBy(CampaignId, Spec.Id), "give back stale sandbox slots", logger, cancellationToken);

    public Task ReportFinishedAsync(ExperimentRecord experiment, AgentStatus status) =>
        TransientRetry.RunAsync(() => Campaign.ReportFinished(experiment, status), "report the finished experiment", logger);

    public async Task SaveStatusAsync(AgentStatus status)
    {
        state.State.LastStatus = status;
        await state.WriteStateAsync();
    }

    public void KeepAlive() => DelayDeactivation(TimeSpan.FromHours(1));

    public async Task<QueuedConfiguration?> TakeConfigurationAsync()
    {
        if (state.State.Configurations.Count == 0) return null;
        var next = state.State.Configurations[0];
        state.State.Configurations.RemoveAt(0);
        await state.WriteStateAsync();
        return next;
    }
}
