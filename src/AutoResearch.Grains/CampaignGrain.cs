using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AutoResearch.Grains;

/// <summary>
/// One campaign: state machine (Created → Running ⇄ Paused → Completed/Stopped/Failed), deadline, the campaign budget,
/// experiment tickets (baseline, its noise runs, confirmation runs, proposals) and the noise-aware leaderboard.
/// Counts, budget use and the leaderboard are rebuilt from the ledger on activation, so a killed host loses nothing.
/// Control requests queued in the ledger by other processes (CLI, console) are applied by its watchdog.
/// </summary>
public sealed partial class CampaignGrain(
    [PersistentState("campaign", Names.GrainStorage)] IPersistentState<CampaignGrainState> state,
    ILedger ledger,
    IJournal journal,
    IReportWriter reports,
    IOptions<FleetOptions> fleet,
    TimeProvider clock,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain, IRemindable
{
    /// <summary>The reminder that writes the scheduled (morning) reports; it always points at the schedule's next time.</summary>
    public const string ScheduledReportReminder = "scheduled-report";

    /// <summary>A scheduled report written later than this after its time says it is late (the host was down or busy).</summary>
    private static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(2);

    private readonly HashSet<string> _counted = new(StringComparer.Ordinal);
    /// <summary>Proposals rejected before they ran: recorded, charged to the budget, but given back as experiments.</summary>
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private CampaignLeaderboard? _leaderboard;
    private BudgetAccount? _budget;
    private int _nextSequence;
    private long _adviceTokensCharged;
    private int _launched;
    private bool _reportPending;
    private int _succeeded;
    private int _failed;
    private int _pruned;
    private double? _baseline;
    private IGrainTimer? _watchdog;
    private HoldoutRevalidation? _holdout;
    private HoldoutSummary _holdoutSummary = new();
    private bool _holdoutPlanned;
    private bool _holdoutWoken;
    private string? _holdoutBlocked;
    private string? _holdoutFinishReason;

    private string CampaignId => this.GetPrimaryKeyString();
    private CampaignSpec Spec => state.State.Spec ?? throw new InvalidOperationException($"Campaign '{CampaignId}' has not been started.");
    private int Slots => Spec.Slots > 0 ? Math.Min(Spec.Slots, Math.Max(1, fleet.Value.Slots)) : Math.Max(1, fleet.Value.Slots);
    private CampaignLeaderboard Board => _leaderboard ??= new CampaignLeaderboard(CampaignId, Spec.Benchmark.Metric, Spec.Noise);
    private BudgetAccount Budget => _budget ??= new BudgetAccount(EffectiveBudget, ResourceUse.Zero);
    private BudgetSpec EffectiveBudget => state.State.Budget ?? Spec.Budget;
    private HoldoutRevalidation Holdout => _holdout ??= new HoldoutRevalidation(Spec.Benchmark, Spec.Holdout);
    /// <summary>Experiments granted and not reported back yet (held-out runs included).</summary>
    private int Running => _launched + Holdout.Launched - _counted.Count;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null)
            await RebuildFromLedgerAsync(cancellationToken);
        // Re-activated on another silo (its silo died) while it runs: the watchdog (controls, deadline, completion) runs again at
        // once; the agents are restarted by Start, which CampaignTakeover calls.
        if (state.State.State is CampaignState.Running or CampaignState.Paused && state.State.Spec is not null)
            _watchdog ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });
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
            await SaveCampaignRecordAsync();
            var noise = spec.Noise.BaselineRuns > 1
                ? $" The baseline runs {spec.Noise.BaselineRuns} times to measure the noise; a new best must beat the best by {spec.Noise.Sigmas:G3} standard errors" +
                  (spec.Noise.ConfirmationRuns > 0 ? $", or hold up over {spec.Noise.ConfirmationRuns} confirmation runs." : ".")
                : " Noise measurement is off: every strictly better result is a new best.";
            await journal.AppendAsync(SystemEntry(
                $"Campaign started: {spec.Benchmark.Metric.Direction.ToString().ToLowerInvariant()} {spec.Benchmark.Metric.Name} on {spec.Benchmark.Name} " +
                $"with {spec.Agents.Count} agents, at most {spec.MaxExperiments} experiments, deadline {state.State.Deadline:u}." + noise));
            logger.LogInformation("Campaign {CampaignId} started with {AgentCount} agents, deadline {Deadline}", CampaignId, spec.Agents.Count, state.State.Deadline);
        }
        else if (state.State.State is CampaignState.Running or CampaignState.Paused)
        {
            logger.LogInformation("Campaign {CampaignId} resumed with {Finished} finished experiments", CampaignId, Finished);
            foreach (var id in state.State.Agents.Keys.ToList())
                state.State.Agents[id] = state.State.Agents[id] with { State = AgentState.Idle, Activity = "resuming" };
            await journal.AppendAsync(SystemEntry($"Campaign resumed after a restart with {Finished} finished experiments."));
        }

        if (state.State.State is CampaignState.Running or CampaignState.Paused)
        {
            await ScheduleReportsAsync();
            await StartAgentsAsync();
            _watchdog ??= this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });
        }
        return BuildStatus();
    }

    public Task<CampaignStatus> GetStatus() => Task.FromResult(BuildStatus());

    public Task<Leaderboard> GetLeaderboard() =>
        Task.FromResult(state.State.Spec is null ? new Leaderboard() : Board.Snapshot());

    public Task<CampaignStatus> Stop(string reason) =>
        Control(new ControlRequest { CampaignId = CampaignId, Action = ControlAction.Stop, Reason = reason, RequestedAt = clock.GetUtcNow() });

    public async Task<CampaignStatus> Control(ControlRequest request)
    {
        // A direct call is recorded in the ledger like a queued one, so reports and audits see every pause, stop and budget change.
        var recorded = request.Id == 0 ? await ledger.EnqueueControlAsync(request with { CampaignId = CampaignId }) : request;
        var outcome = await ApplyAsync(request);
        await ledger.CompleteControlAsync(recorded.Id, clock.GetUtcNow(), outcome);
        await WriteReportWhenSettledAsync();
        return BuildStatus();
    }

    public async Task<ExperimentTicket> RequestTicket(TicketRequest request)
    {
        if (await DiskGuardTicketAsync() is { } diskLow)
            return diskLow;
        if (await HoldoutTicketAsync(request) is { } heldOut)
            return heldOut;
        var (refusal, retry) = WhyNoTicket();
        if (refusal is not null)
        {
            // The search is over but its held-out re-validation is not: keep the agents asking, they will run it.
            if (!retry && HoldoutAhead() is { } wait)
                return new ExperimentTicket { Granted = false, Retry = true, Reason = wait, MaxSlots = Slots };
            return new ExperimentTicket { Granted = false, Retry = retry, Reason = refusal, MaxSlots = Slots };
        }

        if (await WhyNotMyTurnAsync(request.AgentId) is { } notYet)
            return new ExperimentTicket { Granted = false, Retry = true, Reason = notYet, MaxSlots = Slots };

        var key = _nextSequence.ToString(CultureInfo.InvariantCulture);
        if (!Budget.TryReserve(key, request.Estimate, out var budgetProblem))
        {
            // With experiments in flight, their refunds may make room: ask again later. Otherwise the campaign budget is spent.
            var inFlight = Running > 0;
            return new ExperimentTicket { Granted = false, Retry = inFlight, Reason = $"campaign budget: {budgetProblem}", MaxSlots = Slots };
        }

        var sequence = await TakeSequenceAsync();
        _launched++;
        await NoteTurnAsync(request.AgentId);
        var kind = ExperimentKind.Proposal;
        ExperimentRecord? repeatOf = null;
        if (sequence == 0)
        {
            kind = ExperimentKind.Baseline;
            Board.BaselineLaunched(BaselineStub());
        }
        else if (Board.TakeRepeat() is { } repeat)
        {
            kind = ExperimentKind.Repeat;
            repeatOf = await ledger.GetExperimentAsync(repeat.Id) ?? repeat;
        }

        return new ExperimentTicket
        {
            Granted = true,
            Sequence = sequence,
            IsBaseline = kind == ExperimentKind.Baseline,
            Kind = kind,
            RepeatOf = repeatOf,
            MaxSlots = Slots,
            MustFinishBy = state.State.Deadline,
            Best = Board.Best,
            Reserved = request.Estimate,
        };
    }

    public async Task ReportFinished(ExperimentRecord experiment, AgentStatus agent)
    {
        state.State.Agents[agent.Id] = agent;
        if (experiment.IsRejectedProposal())
        {
            // Rejected before it ran: its tokens are spent, but it is no experiment; its ticket goes back to the campaign.
            if (!_counted.Contains(experiment.Id) && _rejected.Add(experiment.Id))
            {
                Budget.Settle(experiment.Sequence.ToString(CultureInfo.InvariantCulture), experiment.Use);
                _launched--;
            }
        }
        else if (_counted.Add(experiment.Id))
        {
            Budget.Settle(experiment.Sequence.ToString(CultureInfo.InvariantCulture), experiment.Use);
            if (experiment.IsHoldout)
            {
                await HoldoutFinishedAsync(experiment);
            }
            else
            {
                Count(experiment);
                var identicalBefore = Board.IdenticalRepeats;
                foreach (var judgement in Board.Observe(experiment, clock.GetUtcNow()))
                    await RecordJudgementAsync(judgement);
                if (!identicalBefore && Board.IdenticalRepeats)
                    await journal.AppendAsync(SystemEntry(IdenticalRepeatsNote(), experiment.RepeatOf ?? experiment.Id, JournalEntryKind.Insight));
            }
        }
        await state.WriteStateAsync();
        await WriteReportWhenSettledAsync();
        await CheckCompletionAsync();
    }

    public async Task ReportAgent(AgentStatus agent)
    {
        state.State.Agents[agent.Id] = agent;
        await state.WriteStateAsync();
    }

    private int Finished => _succeeded + _failed + _pruned;

    private (string? Reason, bool Retry) WhyNoTicket()
    {
        if (state.State.Spec is null) return ("campaign not started", false);
        if (state.State.State == CampaignState.Paused) return ("campaign paused", true);
        if (state.State.State != CampaignState.Running) return ($"campaign is {state.State.State.ToString().ToLowerInvariant()}", false);
        // Every experiment is granted but some are not back: a proposal rejected before it runs gives its experiment back.
        if (_launched >= Spec.MaxExperiments && Running > 0)
            return ($"all {Spec.MaxExperiments} experiments granted; waiting for {Running} to finish", true);
        return (WhyFinished(), false);
    }

    /// <summary>Why the campaign can start no more experiments at all (null while it can).</summary>
    private string? WhyFinished()
    {
        if (_launched >= Spec.MaxExperiments) return $"all {Spec.MaxExperiments} experiments granted";
        if (Spec.Target is { } target && Board.BestMean is { } best && !Spec.Benchmark.Metric.IsBetter(target, best))
            return $"target {target:G6} reached";
        if (state.State.Deadline is { } deadline && clock.GetUtcNow() + Spec.Benchmark.TimeLimit > deadline)
            return "not enough time before the deadline for another run";
        return null;
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is null) return;
        if (state.State.State is not (CampaignState.Running or CampaignState.Paused))
        {
            await WriteReportWhenSettledAsync();
            return;
        }
        try
        {
            foreach (var request in await ledger.GetPendingControlsAsync(CampaignId, cancellationToken))
            {
                var outcome = await ApplyAsync(request);
                await ledger.CompleteControlAsync(request.Id, clock.GetUtcNow(), outcome, cancellationToken);
            }
            await WriteReportWhenSettledAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reading control requests of campaign {CampaignId} failed", CampaignId);
        }
        await CheckCompletionAsync();
    }

    private async Task<ControlOutcome> ApplyAsync(ControlRequest request)
    {
        if (state.State.Spec is null) return ControlOutcome.Refused("the campaign was never started");
        var by = string.IsNullOrWhiteSpace(request.RequestedBy) ? "" : $" by {request.RequestedBy}";
        var why = string.IsNullOrWhiteSpace(request.Reason) ? "" : $": {request.Reason}";
        if (request.AgentId is { } agentId)
        {
            if (Spec.Agents.All(a => a.Id != agentId))
                return ControlOutcome.Refused($"the campaign has no agent '{agentId}' (agents: {string.Join(", ", Spec.Agents.Select(a => a.Id))})");
            if (state.State.State is not (CampaignState.Running or CampaignState.Paused))
                return ControlOutcome.Refused($"the campaign is {state.State.State.ToString().ToLowerInvariant()}");
            var agent = await GrainFactory.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(CampaignId, agentId)).Control(request);
            state.State.Agents[agentId] = agent;
            await state.WriteStateAsync();
            return ControlOutcome.Applied($"applied to agent {agentId}: {BudgetText.Describe(request)}");
        }

        switch (request.Action)
        {
            case ControlAction.Pause when state.State.State == CampaignState.Running:
                state.State.State = CampaignState.Paused;
                await state.WriteStateAsync();
                await SaveCampaignRecordAsync();
                await journal.AppendAsync(SystemEntry($"Campaign paused{by}{why}. Running experiments finish; nothing new starts until it is resumed."));
                logger.LogInformation("Campaign {CampaignId} paused", CampaignId);
                return ControlOutcome.Applied("paused");
            case ControlAction.Resume when state.State.State == CampaignState.Paused:
                state.State.State = CampaignState.Running;
                state.State.Reason = null;
                await state.WriteStateAsync();
                await SaveCampaignRecordAsync();
                await journal.AppendAsync(SystemEntry($"Campaign resumed{by}{why}."));
                logger.LogInformation("Campaign {CampaignId} resumed", CampaignId);
                await StartAgentsAsync();
                return ControlOutcome.Applied("resumed");
            case ControlAction.Stop when state.State.State is CampaignState.Running or CampaignState.Paused:
                var reason = string.IsNullOrWhiteSpace(request.Reason) ? $"stopped{by}" : request.Reason;
                // The report waits until the running experiments have finished (ReportFinished), so it has them all.
                await FinishAsync(CampaignState.Stopped, reason, writeReport: false);
                _reportPending = true;
                foreach (var agent in Spec.Agents)
                    await GrainFactory.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(CampaignId, agent.Id)).Stop();
                return ControlOutcome.Applied("stopped");
            case ControlAction.SetBudget when request.Budget is { IsEmpty: false } change:
                var before = EffectiveBudget;
                state.State.Budget = before.With(change);
                Budget.SetBudget(state.State.Budget);
                await state.WriteStateAsync();
                await journal.AppendAsync(SystemEntry($"Campaign budget changed{by}{why}: {BudgetText.Describe(before)} → {BudgetText.Describe(state.State.Budget)}."));
                if (state.State.State is CampaignState.Running or CampaignState.Paused)
                    await StartAgentsAsync();
                return ControlOutcome.Applied($"budget {BudgetText.Describe(state.State.Budget)}");
            case ControlAction.SetBudget:
                return ControlOutcome.Refused("no budget value given");
            default:
                return ControlOutcome.NoOp($"the campaign is {state.State.State.ToString().ToLowerInvariant()}");
        }
    }

    private async Task StartAgentsAsync()
    {
        var workers = Workers();
        foreach (var agent in Spec.Agents)
        {
            await GrainFactory.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(CampaignId, agent.Id)).Start(new AgentAssignment
            {
                CampaignId = CampaignId,
                Agent = agent,
                Benchmark = Spec.Benchmark,
                Workers = workers[agent.Id],
                CampaignWeight = Spec.Weight,
                MaxSlots = Slots,
            });
        }
    }

    /// <summary>
    /// Experiments each agent keeps in flight: the campaign's slots plus one spare, split by agent weight (at least one each),
    /// so a proposal is always ready when a slot frees up and no slot idles while budget remains.
    /// </summary>
    private Dictionary<string, int> Workers()
    {
        var total = Slots + 1;
        var weights = Spec.Agents.ToDictionary(a => a.Id, a => Math.Max(1e-9, a.Weight));
        var sum = weights.Values.Sum();
        var result = weights.ToDictionary(w => w.Key, w => Math.Max(1, (int)Math.Floor(total * w.Value / sum)));
        var order = weights.OrderByDescending(w => w.Value).Select(w => w.Key).ToList();
        for (var i = 0; result.Values.Sum() < total; i++)
            result[order[i % order.Count]]++;
        return result;
    }

    private async Task RecordJudgementAsync(Judgement j)
    {
        var metric = Spec.Benchmark.Metric.Name;
        var current = await ledger.GetExperimentAsync(j.Experiment.Id) ?? j.Experiment;
        await ledger.SaveExperimentAsync(current with { Verdict = j.Verdict, Confidence = j.Confidence, Margin = j.Margin });
        if (j.NewBest is { } best)
        {
            await ledger.AppendLeaderboardAsync(best);
            if (j.Verdict != AcceptanceVerdict.Baseline)
            {
                var spread = best.StdDev is { } sd ? $" ± {BudgetText.Format(sd)}" : "";
                var confidence = j.Confidence is { } c ? $", confidence {c:P1}" : "";
                await journal.AppendAsync(SystemEntry(
                    $"New best {metric}={BudgetText.Format(best.Objective)}{spread} over {best.Runs} run(s) by {best.AgentId} (experiment #{best.Sequence}): {j.Why}{confidence}.",
                    best.ExperimentId, JournalEntryKind.Insight));
                if (Holdout.Enabled && Spec.Holdout.OnNewBest)
                    await QueueHoldoutOfNewBestAsync(current);
            }
        }
        else if (j.Verdict is AcceptanceVerdict.Confirming or AcceptanceVerdict.WithinNoise)
        {
            await journal.AppendAsync(SystemEntry($"Experiment #{j.Experiment.Sequence} by {j.Experiment.AgentId}: {j.Why}.", j.Experiment.Id,
                j.Verdict == AcceptanceVerdict.WithinNoise ? JournalEntryKind.DeadEnd : JournalEntryKind.System));
        }
        logger.LogInformation("Experiment {ExperimentId} judged {Verdict} (confidence {Confidence}, margin {Margin})", j.Experiment.Id, j.Verdict, j.Confidence, j.Margin);
    }

    private async Task CheckCompletionAsync()
    {
        if (state.State.Spec is null || state.State.State is not (CampaignState.Running or CampaignState.Paused)) return;
        var running = Running;
        var agentsDone = state.State.Agents.Count > 0 && state.State.Agents.Values.All(a => a.State is AgentState.Done or AgentState.Stopped);
        if (running > 0) return;
        var finished = WhyFinished();
        if (finished is null && !(agentsDone && state.State.State == CampaignState.Running)) return;
        var reason = _holdoutFinishReason ??= finished ?? AgentsDoneReason();
        // The search is over: its held-out re-validation runs before the campaign completes (inside the same budget).
        if (await HoldoutKeepsCampaignOpenAsync(agentsDone))
            return;
        await FinishAsync(CampaignState.Completed, reason);
    }

    private string AgentsDoneReason()
    {
        // "budget spent (CPU-seconds: 2 used + 6 needed > 7 budget)" → "budget spent": the same reason for every agent reads as one.
        var reasons = state.State.Agents.Values
            .Select(AgentStops.Headline)
            .Where(a => a.Length > 0).Distinct().ToList();
        return reasons.Count == 1 ? $"every agent has finished ({reasons[0]})" : "every agent has finished";
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ScheduledReportReminder) return;
        if (state.State.Spec is null || state.State.State is not (CampaignState.Running or CampaignState.Paused))
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
        if (schedule.Previous(now) is { } due && due >= state.State.StartedAt && (state.State.LastScheduledReport is not { } last || due > last))
        {
            state.State.LastScheduledReport = due;
            var files = await WriteReportAsync(ReportTrigger.Scheduled);
            var local = TimeZoneInfo.ConvertTime(due, schedule.Zone());
            var late = now - due > LateAfter ? $", {FormatLate(now - due)} late (the host was not running or was busy at that time)" : "";
            await journal.AppendAsync(SystemEntry(files is null
                ? $"The scheduled report for {local:HH:mm} could not be written{late}; see the host's log."
                : $"Scheduled report for {local:HH:mm} written{late}: {files.Snapshot ?? files.Html}"));
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

    private static string FormatLate(TimeSpan late) =>
        late.TotalHours >= 1 ? $"{(int)late.TotalHours} h {late.Minutes} min" : $"{Math.Max(1, (int)late.TotalMinutes)} min";

    private async Task FinishAsync(CampaignState final, string reason, bool writeReport = true)
    {
        state.State.State = final;
        state.State.EndedAt = clock.GetUtcNow();
        state.State.Reason = reason;
        await state.WriteStateAsync();
        await SaveCampaignRecordAsync();
        foreach (var judgement in Board.Close(clock.GetUtcNow()))
            await RecordJudgementAsync(judgement);
        var best = Board.Best;
        var bestText = best is null ? "no best" : $"best {BudgetText.Format(best.Objective)} over {best.Runs} run(s)";
        await journal.AppendAsync(SystemEntry(
            $"Campaign {final.ToString().ToLowerInvariant()}: {reason}. {_succeeded} succeeded, {_failed} failed, {_pruned} stopped early; " +
            (_rejected.Count > 0 ? $"{_rejected.Count} proposals rejected before running (no experiments); " : "") +
            $"baseline {BudgetText.Format(_baseline)}, {bestText}; used {BudgetText.Describe(Budget.Used)}." + HoldoutJournal.FinalLine(_holdoutSummary, Spec.Benchmark.Metric)));
        logger.LogInformation("Campaign {CampaignId} {State}: {Reason}", CampaignId, final, reason);
        await CancelScheduledReportsAsync();
        if (writeReport)
        {
            _watchdog?.Dispose();
            _watchdog = null;
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
        if (!_reportPending) return;
        var overdue = state.State.EndedAt is { } ended && clock.GetUtcNow() > ended + Spec.Benchmark.TimeLimit + TimeSpan.FromMinutes(1);
        if (Running > 0 && !overdue) return;
        _reportPending = false;
        _watchdog?.Dispose();
        _watchdog = null;
        await WriteReportAsync(ReportTrigger.Final);
    }

    /// <summary>Writes a new report (kept with the earlier ones); null when it failed (logged: a report never stops the campaign).</summary>
    private async Task<ReportFiles?> WriteReportAsync(ReportTrigger trigger)
    {
        try
        {
            var files = await reports.WriteAsync(CampaignId, trigger);
            await ChargeReportAdviceAsync();
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

    /// <summary>Charges the report's model-written advice (metered in the ledger) to the campaign's token budget.</summary>
    private async Task ChargeReportAdviceAsync()
    {
        var tokens = ReportAdvice.Tokens(await ledger.GetModelCallsAsync(CampaignId));
        if (tokens <= _adviceTokensCharged) return;
        Budget.Charge(new ResourceUse { Tokens = tokens - _adviceTokensCharged });
        _adviceTokensCharged = tokens;
    }

    private async Task RebuildFromLedgerAsync(CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        var entries = await ledger.GetLeaderboardAsync(CampaignId, cancellationToken);
        // Numbers handed out with tickets whose experiments are not in the ledger yet are not handed out again.
        _nextSequence = Math.Max(experiments.Count == 0 ? 0 : experiments.Max(e => e.Sequence) + 1, state.State.NextSequence);
        _launched = experiments.Count(e => !e.IsHoldout && !e.IsRejectedProposal());
        _leaderboard = new CampaignLeaderboard(CampaignId, Spec.Benchmark.Metric, Spec.Noise);
        _leaderboard.Restore(experiments.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList(), entries);
        _holdout = new HoldoutRevalidation(Spec.Benchmark, Spec.Holdout);
        _holdout.Restore(experiments);
        _holdoutSummary = HoldoutSummary.From(experiments, Spec.Benchmark.Metric);
        var used = ResourceUse.Zero;
        foreach (var e in experiments.Where(e => e.IsFinished))
        {
            used += e.Use;
            if (e.IsRejectedProposal())
            {
                _rejected.Add(e.Id);
                continue;
            }
            _counted.Add(e.Id);
            if (!e.IsHoldout) Count(e);
        }
        _adviceTokensCharged = ReportAdvice.Tokens(await ledger.GetModelCallsAsync(CampaignId, cancellationToken));
        used += new ResourceUse { Tokens = _adviceTokensCharged };
        _budget = new BudgetAccount(EffectiveBudget, used);
        // Interrupted experiments are re-run by their agents without a new ticket: hold their worst case again.
        foreach (var e in experiments.Where(e => !e.IsFinished))
            _budget.TryReserve(e.Sequence.ToString(CultureInfo.InvariantCulture), ResourceUse.WorstCaseRun(Spec.Benchmark, Agents.AgentSession.KillGrace), out _);
    }

    /// <summary>Takes the next experiment number, kept in the grain's state before the ticket carrying it leaves.</summary>
    private async Task<int> TakeSequenceAsync()
    {
        var sequence = _nextSequence++;
        state.State.NextSequence = _nextSequence;
        await state.WriteStateAsync();
        return sequence;
    }

    private void Count(ExperimentRecord e)
    {
        if (e.Status == ExperimentStatus.Pruned) _pruned++;
        else if (e.HasUsableObjective) _succeeded++;
        else _failed++;
        if (e.Kind == ExperimentKind.Baseline && e.HasUsableObjective) _baseline ??= e.Objective;
    }

    private ExperimentRecord BaselineStub() => new()
    {
        Id = ExperimentIds.For(CampaignId, 0),
        CampaignId = CampaignId,
        AgentId = "",
        Sequence = 0,
        ProposerName = "baseline",
        Parameters = Spec.Benchmark.Defaults(),
        Kind = ExperimentKind.Baseline,
        IsBaseline = true,
        Status = ExperimentStatus.Queued,
        QueuedAt = clock.GetUtcNow(),
    };

    private async Task SaveCampaignRecordAsync() =>
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = CampaignId,
            Name = Spec.Name,
            Spec = Spec,
            State = state.State.State,
            CreatedAt = state.State.CreatedAt,
            StartedAt = state.State.StartedAt,
            EndedAt = state.State.EndedAt,
            Deadline = state.State.Deadline,
            Reason = state.State.Reason,
        });

    private CampaignStatus BuildStatus()
    {
        var spec = state.State.Spec;
        var best = spec is null ? null : Board.Best;
        return new CampaignStatus
        {
            Id = CampaignId,
            Name = spec?.Name ?? CampaignId,
            State = state.State.State,
            StartedAt = state.State.StartedAt,
            EndedAt = state.State.EndedAt,
            Deadline = state.State.Deadline,
            MaxExperiments = spec?.MaxExperiments ?? 0,
            Launched = _launched,
            Finished = Finished,
            Succeeded = _succeeded,
            Failed = _failed,
            Pruned = _pruned,
            Direction = spec?.Benchmark.Metric.Direction ?? Direction.Minimize,
            MetricName = spec?.Benchmark.Metric.Name ?? "",
            Baseline = spec is null ? _baseline : Board.BaselineMean ?? _baseline,
            BaselineRuns = spec is null ? 0 : Board.BaselineRuns,
            Best = spec is null ? null : Board.BestMean,
            BestExperimentId = best?.ExperimentId,
            BestConfidence = best?.Confidence,
            BestRuns = spec is null ? 0 : Board.BestRuns,
            NoiseStdDev = spec is null ? null : Board.NoiseStdDev,
            Noise = spec is null ? new NoiseSummary() : Board.Noise,
            Agents = spec is null ? [] : spec.Agents.Select(a => (state.State.Agents.GetValueOrDefault(a.Id) ?? AgentStatus.Initial(a)).InCampaign(state.State.State)).ToList(),
            Reason = state.State.Reason,
            ReportMarkdown = state.State.ReportMarkdown,
            ReportHtml = state.State.ReportHtml,
            Slots = spec is null ? 0 : Slots,
            Budget = spec is null ? new BudgetSpec() : EffectiveBudget,
            Used = spec is null ? ResourceUse.Zero : Budget.Used,
            Reserved = spec is null ? ResourceUse.Zero : Budget.Reserved,
            Holdout = _holdoutSummary,
            HoldoutLaunched = spec is null ? 0 : Holdout.Launched,
            HoldoutFinished = spec is null ? 0 : Holdout.Finished,
            AllocationShares = new Dictionary<string, double>(_allocationShares, StringComparer.Ordinal),
        };
    }

    /// <summary>The journal's warning when the baseline's repeats come out identical (told once, when first seen).</summary>
    private string IdenticalRepeatsNote()
    {
        var noise = Board.Noise;
        var minimum = noise.MinImprovement.Stated ? $"the stated minimum improvement {noise.MinImprovement}" : $"the default minimum improvement {noise.MinImprovement} (set min_improvement in the campaign file)";
        return $"Identical repeats: {noise.Runs} runs of the same parameters with different seeds gave the same {Spec.Benchmark.Metric.Name}. " +
            (Spec.Benchmark.FixedSeed is { } seed
                ? $"The campaign pins AR_SEED to {seed} (parameters: seed), so no confidence can be measured; "
                : $"Benchmark {Spec.Benchmark.Name} does not draw its randomness from AR_SEED (or is deterministic), so no confidence can be measured; ") +
            $"a new best must beat the best by {minimum}, and no confidence is claimed.";
    }

    private JournalEntry SystemEntry(string text, string? experimentId = null, JournalEntryKind kind = JournalEntryKind.System) => new()
    {
        CampaignId = CampaignId,
        Author = "system",
        Kind = kind,
        Text = text,
        ExperimentId = experimentId,
        At = clock.GetUtcNow(),
    };
}
