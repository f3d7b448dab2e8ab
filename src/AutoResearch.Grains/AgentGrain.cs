using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace AutoResearch.Grains;

/// <summary>
/// A research agent. Each of its workers loops: reserve the worst case against the agent's budget → ticket from the campaign
/// (which reserves against the campaign budget) → proposal (made before a slot is free, so one is always ready) → slot from the
/// fleet → sandbox run (stopped early by the benchmark's rule when hopeless) → ledger → settle the budgets (refunding what was
/// not used) → reflection in the journal. The loop runs as an interleaving grain timer so status and control calls are answered
/// while experiments run. After a host crash it first re-runs its experiments the ledger still shows as queued or running.
/// </summary>
[Reentrant]
public sealed class AgentGrain(
    [PersistentState("agent", Names.GrainStorage)] IPersistentState<AgentGrainState> state,
    IProposerFactory proposers,
    ISandboxRunner sandbox,
    ILedger ledger,
    IJournal journal,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    /// <summary>Added to a run's time limit in its worst-case budget estimate: killing and reaping a container takes a moment.</summary>
    public static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private IGrainTimer? _loop;
    private bool _loopRunning;
    private AgentStatus? _status;
    private IProposer? _proposer;
    private BudgetAccount? _budget;
    private (AgentStopReason Reason, string? Detail)? _stop;
    private bool _budgetNoticeWritten;
    private int _inFlight;
    private int _proposals;
    private int? _maxRejections;

    private AgentAssignment Assignment => state.State.Assignment ?? throw new InvalidOperationException($"Agent '{this.GetPrimaryKeyString()}' has no assignment.");
    private AgentSpec Spec => Assignment.Agent;
    private string CampaignId => Assignment.CampaignId;
    private ICampaignGrain Campaign => GrainFactory.GetGrain<ICampaignGrain>(CampaignId);
    private IFleetGrain Fleet => GrainFactory.GetGrain<IFleetGrain>(Names.LocalFleet);
    private BudgetSpec EffectiveBudget => state.State.Budget ?? Spec.Budget;
    /// <summary>The worst case of one experiment: the run's CPU/GPU time to its limit, and the proposer's most tokens (model agents).</summary>
    private ResourceUse WorstCase => ResourceUse.WorstCaseRun(Assignment.Benchmark, KillGrace) with { Tokens = _proposer?.MaxTokensPerExperiment ?? 0 };

    public async Task Start(AgentAssignment assignment)
    {
        state.State.Assignment = assignment;
        await state.WriteStateAsync();
        if (state.State.StopRequested || _loopRunning) return;
        StartLoop();
    }

    public Task<AgentStatus> GetStatus() =>
        Task.FromResult(_status ?? state.State.LastStatus ?? (state.State.Assignment is null
            ? throw new InvalidOperationException($"Agent '{this.GetPrimaryKeyString()}' was never started.")
            : AgentStatus.Initial(Spec)));

    public async Task Stop()
    {
        state.State.StopRequested = true;
        await state.WriteStateAsync();
    }

    public async Task<AgentStatus> Control(ControlRequest request)
    {
        var by = string.IsNullOrWhiteSpace(request.RequestedBy) ? "" : $" by {request.RequestedBy}";
        var why = string.IsNullOrWhiteSpace(request.Reason) ? "" : $": {request.Reason}";
        switch (request.Action)
        {
            case ControlAction.Pause:
                state.State.Paused = true;
                await state.WriteStateAsync();
                await WriteJournalAsync(JournalEntryKind.System, $"Paused{by}{why}. Experiments already running finish.", null);
                break;
            case ControlAction.Resume:
                state.State.Paused = false;
                await state.WriteStateAsync();
                await WriteJournalAsync(JournalEntryKind.System, $"Resumed{by}{why}.", null);
                if (!_loopRunning && !state.State.StopRequested) StartLoop();
                break;
            case ControlAction.Stop:
                await Stop();
                await WriteJournalAsync(JournalEntryKind.System, $"Stopped{by}{why}. Experiments already running finish; everything recorded stays.", null);
                break;
            case ControlAction.SetBudget when request.Budget is { IsEmpty: false } change:
                var before = EffectiveBudget;
                state.State.Budget = before.With(change);
                await state.WriteStateAsync();
                _budget?.SetBudget(state.State.Budget);
                _budgetNoticeWritten = false;
                _status = CurrentStatus() with
                {
                    TokenBudget = state.State.Budget.Tokens,
                    CpuBudgetSeconds = state.State.Budget.CpuSeconds,
                    GpuBudgetSeconds = state.State.Budget.GpuSeconds,
                };
                await WriteJournalAsync(JournalEntryKind.System,
                    $"Budget changed{by}{why}: {CampaignGrain.Describe(before)} → {CampaignGrain.Describe(state.State.Budget)}.", null);
                if (!_loopRunning && !state.State.StopRequested) StartLoop();
                break;
        }
        _status = CurrentStatus() with { State = StateNow() };
        return _status;
    }

    private void StartLoop()
    {
        _loopRunning = true;
        _stop = null;
        _status = (_status ?? state.State.LastStatus ?? AgentStatus.Initial(Spec)) with { State = AgentState.Running, Activity = "starting", StopReason = AgentStopReason.None, StopDetail = null };
        _loop?.Dispose();
        _loop = this.RegisterGrainTimer(RunLoopAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private AgentState StateNow() =>
        state.State.StopRequested ? (_inFlight > 0 ? AgentState.Running : AgentState.Stopped)
        : state.State.Paused ? AgentState.Paused
        : _loopRunning ? AgentState.Running
        : CurrentStatus().State;

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CampaignId"] = CampaignId, ["AgentId"] = Spec.Id });
        try
        {
            _proposer = proposers.Create(Spec);
            _status = WithTokenPlan(CurrentStatus());
            await RebuildAsync(cancellationToken);
            // Slots an earlier activation of this agent held (its silo died) are given back before its experiments are re-run.
            await TransientRetry.RunAsync(() => Fleet.ReleaseHeldBy(CampaignId, Spec.Id), "give back stale sandbox slots", logger, cancellationToken);
            await RecoverInterruptedAsync(cancellationToken);
            var workers = Enumerable.Range(0, Math.Max(1, Assignment.Workers)).Select(_ => WorkAsync(cancellationToken)).ToList();
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Host shutting down: interrupted experiments stay queued/running in the ledger and are re-run on the next start.
            _loopRunning = false;
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Agent {AgentId} of campaign {CampaignId} failed", Spec.Id, CampaignId);
            _stop = (AgentStopReason.Failed, ex.Message);
        }

        _loopRunning = false;
        var final = state.State.StopRequested ? AgentState.Stopped : AgentState.Done;
        var (stopReason, stopDetail) = _stop ?? (AgentStopReason.Stopped, null);
        _status = CurrentStatus() with { State = final, Activity = AgentStops.Activity(stopReason, stopDetail), StopReason = stopReason, StopDetail = stopDetail, InFlight = 0 };
        state.State.LastStatus = _status;
        await state.WriteStateAsync();
        await TransientRetry.RunAsync(() => Campaign.ReportAgent(_status), "report to the campaign", logger);
    }

    /// <summary>One worker: experiments one after another until the campaign, the budget or a person says stop.</summary>
    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            DelayDeactivation(TimeSpan.FromHours(1));
            if (state.State.StopRequested || _stop is not null) return;
            if (state.State.Paused)
            {
                SetActivity("paused");
                await Task.Delay(RetryDelay, cancellationToken);
                continue;
            }

            var key = Guid.NewGuid().ToString("N");
            if (!_budget!.TryReserve(key, WorstCase, out var budgetProblem))
            {
                if (_budget.Reserved != ResourceUse.Zero)
                {
                    // Other experiments of this agent are running; what they do not use comes back.
                    SetActivity("waiting: budget held by running experiments");
                    await Task.Delay(RetryDelay, cancellationToken);
                    continue;
                }
                await BudgetSpentAsync(budgetProblem!);
                return;
            }

            SetActivity("asking for a ticket");
            var ticket = await TransientRetry.RunAsync(() => Campaign.RequestTicket(new TicketRequest { AgentId = Spec.Id, Estimate = WorstCase }),
                "ask the campaign for a ticket", logger, cancellationToken, retryTimeouts: false);
            if (!ticket.Granted)
            {
                _budget.Cancel(key);
                if (ticket.Retry)
                {
                    SetActivity($"waiting: {ticket.Reason}");
                    await Task.Delay(RetryDelay, cancellationToken);
                    continue;
                }
                _stop ??= (AgentStopReason.CampaignFinished, ticket.Reason ?? "no more experiments");
                return;
            }

            _inFlight++;
            var rejectedBefore = CurrentStatus().Rejections;
            try
            {
                await RunTicketAsync(ticket, key, cancellationToken);
            }
            finally
            {
                _inFlight--;
            }
            await StopWhenRejectionsRunAwayAsync();
            // A rejected proposal gave its experiment back: let the agents waiting for one ask before this worker asks again.
            if (CurrentStatus().Rejections > rejectedBefore)
                await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    /// <summary>
    /// Rejected proposals cost no experiment, so an agent whose every proposal is rejected would never finish: a built-in
    /// optimizer stops at its allowance, a model agent (whose fallback proposes once its allowance is used up) at twice it.
    /// </summary>
    private async Task StopWhenRejectionsRunAwayAsync()
    {
        if (CurrentStatus().Rejections == 0 || _stop is not null) return;
        var allowance = await RejectionAllowanceAsync();
        var limit = Spec.Proposer == AgentSpec.ModelProposer ? 2 * allowance : allowance;
        if (CurrentStatus().Rejections < limit) return;
        _stop ??= (AgentStopReason.TooManyRejections, $"{CurrentStatus().Rejections} proposals rejected before running (limit {limit})");
        await WriteJournalAsync(JournalEntryKind.System,
            $"Stopping: {CurrentStatus().Rejections} of my proposals were rejected before running, the most this campaign allows me ({limit}); the other agents go on.", null);
    }

    /// <summary>This agent's allowance of rejected proposals (<see cref="ModelTurnPolicy.AllowanceFor"/>: twice its fair share by default).</summary>
    private async Task<int> RejectionAllowanceAsync()
    {
        if (_maxRejections is { } known) return known;
        var campaign = await TransientRetry.RunAsync(() => Campaign.GetStatus(), "read the campaign", logger);
        _maxRejections = ModelTurnPolicy.From(Spec.Settings).AllowanceFor(campaign.MaxExperiments, Spec.Weight, campaign.Agents.Sum(a => a.Weight));
        _status = CurrentStatus() with { MaxRejections = _maxRejections.Value };
        return _maxRejections.Value;
    }

    private async Task BudgetSpentAsync(string problem)
    {
        _stop ??= (AgentStopReason.BudgetSpent, problem);
        if (_budgetNoticeWritten) return;
        _budgetNoticeWritten = true;
        await WriteJournalAsync(JournalEntryKind.System,
            $"Stopping: my budget cannot cover another run ({problem}); the worst case of one run is {CampaignGrain.Describe(WorstCase)}. " +
            "Raise my budget to let me continue.", null);
    }

    private async Task RunTicketAsync(ExperimentTicket ticket, string budgetKey, CancellationToken cancellationToken)
    {
        var record = await PrepareAsync(ticket, cancellationToken);
        await ledger.SaveExperimentAsync(record, cancellationToken);
        if (record.IsFinished)
        {
            await SettleAndFinishAsync(record, budgetKey, cancellationToken);
            return;
        }
        var finished = await RunWithSlotAsync(record, cancellationToken);
        await SettleAndFinishAsync(finished, budgetKey, cancellationToken);
    }

    /// <summary>Builds the experiment for a ticket: the baseline, a repeat with a new seed, or the proposer's next proposal.</summary>
    private async Task<ExperimentRecord> PrepareAsync(ExperimentTicket ticket, CancellationToken cancellationToken)
    {
        var benchmark = Assignment.Benchmark;
        var baseRecord = new ExperimentRecord
        {
            Id = ExperimentIds.For(CampaignId, ticket.Sequence),
            CampaignId = CampaignId,
            AgentId = Spec.Id,
            Sequence = ticket.Sequence,
            ProposerName = ticket.Kind == ExperimentKind.Baseline ? "baseline" : _proposer!.Name,
            Parameters = benchmark.Defaults(),
            IsBaseline = ticket.Kind == ExperimentKind.Baseline,
            Kind = ticket.Kind,
            Status = ExperimentStatus.Queued,
            QueuedAt = clock.GetUtcNow(),
            Seed = SeedFor(ticket.Sequence),
            Hypothesis = ticket.Kind == ExperimentKind.Baseline ? "Baseline: every parameter at its default, no edits." : "",
        };
        if (ticket.Kind == ExperimentKind.Baseline) return baseRecord;
        if (ticket.Kind == ExperimentKind.Holdout && ticket.RepeatOf is { } target)
            return HeldOutRun(baseRecord, target);
        if (ticket.Kind == ExperimentKind.Repeat && ticket.RepeatOf is { } of)
        {
            return baseRecord with
            {
                ProposerName = "repeat",
                RepeatOf = of.Id,
                Parameters = new Dictionary<string, string>(of.Parameters, StringComparer.Ordinal),
                EditedFiles = new Dictionary<string, string>(of.EditedFiles, StringComparer.Ordinal),
                Diff = of.Diff,
                Hypothesis = of.Kind == ExperimentKind.Baseline
                    ? $"Noise measurement: the baseline again with seed {baseRecord.Seed}."
                    : $"Confirmation: experiment #{of.Sequence} again with seed {baseRecord.Seed}.",
            };
        }

        SetActivity("proposing");
        try
        {
            var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
            var turn = await DecideTurnAsync(experiments);
            var context = new ProposalContext
            {
                CampaignId = CampaignId,
                AgentId = Spec.Id,
                ExperimentId = baseRecord.Id,
                TokensLeft = WorstCase.Tokens,
                BudgetLeft = DescribeBudgetLeft(),
                Experiments = experiments,
                Benchmark = benchmark,
                History = experiments.Where(e => e.IsFinished).Select(e => new Observation
                {
                    Parameters = e.Parameters,
                    Objective = e.Status is ExperimentStatus.Succeeded or ExperimentStatus.Pruned ? e.Objective : null,
                    Pruned = e.Status == ExperimentStatus.Pruned,
                    Proposer = e.ProposerName,
                }).ToList(),
                Pending = experiments.Where(e => !e.IsFinished).Select(e => e.Parameters).ToList(),
                Seed = Spec.Seed,
                Round = _proposals++,
                Settings = Spec.Settings,
                Best = ticket.Best,
                Turn = turn,
            };
            var proposal = await _proposer!.ProposeAsync(context, cancellationToken);
            await NoteModelStateAsync(proposal, baseRecord);
            var problem = proposal.Rejection ?? ProposalValidator.Validate(benchmark, proposal);
            if (problem is not null)
                return Rejected(baseRecord with { Parameters = proposal.Parameters, Hypothesis = proposal.Hypothesis, Tokens = proposal.Tokens, ProposerName = proposal.ProposerName, Origin = proposal.Origin }, problem);
            // Advance the branch: a proposal that edits no files builds on the best code found so far.
            var edits = proposal.EditedFiles.Count == 0 && ticket.Best is { EditedFiles.Count: > 0 } best
                ? new Dictionary<string, string>(best.EditedFiles, StringComparer.Ordinal)
                : proposal.EditedFiles;
            return baseRecord with
            {
                Parameters = proposal.Parameters,
                Diff = proposal.Diff,
                EditedFiles = edits,
                Hypothesis = proposal.Hypothesis,
                ProposerName = proposal.ProposerName,
                Origin = proposal.Origin,
                Tokens = proposal.Tokens,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Model calls made before the failure still cost their tokens: the ledger has them.
            var spent = (await ledger.GetModelCallsAsync(CampaignId, CancellationToken.None)).Where(c => c.ExperimentId == baseRecord.Id).Sum(c => c.TotalTokens);
            logger.LogWarning(ex, "Proposer {Proposer} of agent {AgentId} failed", Spec.Proposer, Spec.Id);
            return Rejected(baseRecord with { Tokens = spent }, $"proposer {Spec.Proposer} failed: {ex.Message}");
        }
    }

    /// <summary>
    /// A model agent's next turn (<see cref="ModelTurnPolicy"/>) from the ledger's record of its proposals, so a back-off
    /// survives a restart; null for built-in optimizers. Its allowance of rejections comes from its fair share of the campaign.
    /// </summary>
    private async Task<ModelTurn?> DecideTurnAsync(IReadOnlyList<ExperimentRecord> experiments)
    {
        if (Spec.Proposer != AgentSpec.ModelProposer) return null;
        var turn = ModelTurnPolicy.From(Spec.Settings).Decide(experiments.Where(e => e.AgentId == Spec.Id), await RejectionAllowanceAsync());
        _status = CurrentStatus() with
        {
            Rejections = turn.Rejections,
            MaxRejections = turn.MaxRejections,
            BackOffTurnsLeft = turn.Kind == ModelTurnKind.BackOff ? turn.BackOffTurnsLeft : 0,
            RejectionsUsedUp = turn.Kind == ModelTurnKind.Exhausted,
        };
        return turn;
    }

    /// <summary>Tells the journal and the status what a model agent's proposal says about its models (fallback, failover, rationale).</summary>
    private async Task NoteModelStateAsync(Proposal proposal, ExperimentRecord record)
    {
        if (proposal.Notice is { Length: > 0 } notice)
            await WriteJournalAsync(JournalEntryKind.System, notice, record.Id);
        if (proposal.Rationale is { Length: > 0 } rationale && proposal.Rejection is null)
        {
            var expected = proposal.ExpectedEffect is { Length: > 0 } e ? $" Expected: {e}" : "";
            await WriteJournalAsync(JournalEntryKind.Hypothesis, $"#{record.Sequence}: {proposal.Hypothesis} Why: {rationale}{expected}", record.Id);
        }
        if (Spec.Proposer != AgentSpec.ModelProposer) return;
        _status = WithTokenPlan(CurrentStatus() with { ModelProblem = proposal.ModelProblem, Model = proposal.Model ?? CurrentStatus().Model });
    }

    /// <summary>The status with the proposer's current token reservation per experiment and its arithmetic (model agents).</summary>
    private AgentStatus WithTokenPlan(AgentStatus status) => _proposer is { MaxTokensPerExperiment: > 0 } p
        ? status with { TokensPerExperiment = p.MaxTokensPerExperiment, TokenPlan = p.DescribeTokenPlan() }
        : status;

    /// <summary>The agent's budget left after the open reservations, in words, for a model's context.</summary>
    private string DescribeBudgetLeft()
    {
        var remaining = _budget!.Remaining;
        var parts = new List<string>();
        if (remaining.Tokens is { } t) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{t} tokens"));
        if (remaining.CpuSeconds is { } c) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{c:F0} CPU-seconds"));
        if (remaining.GpuSeconds is { } g) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{g:F0} GPU-seconds"));
        return parts.Count == 0 ? "no limit" : string.Join(", ", parts) + string.Create(CultureInfo.InvariantCulture, $" (one run costs up to {WorstCase.CpuSeconds:F0} CPU-seconds)");
    }

    private ExperimentRecord Rejected(ExperimentRecord record, string reason, FailureKind failure = FailureKind.Rejected)
    {
        var now = clock.GetUtcNow();
        return record with { Status = ExperimentStatus.Failed, Failure = failure, Reason = reason, StartedAt = now, EndedAt = now };
    }

    /// <summary>
    /// Waits for a slot (fair share, GPUs, deadline), runs the experiment on it and releases it once the result is recorded.
    /// A proposal still waiting when its agent or campaign is paused waits for the resume without holding a slot; one still
    /// waiting when they are stopped is recorded as not run.
    /// </summary>
    private async Task<ExperimentRecord> RunWithSlotAsync(ExperimentRecord record, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await WhyNotStartAsync() is { } hold)
            {
                if (hold.Final)
                {
                    var stopped = Rejected(record, $"not started: {hold.Reason}", FailureKind.NotRun);
                    await ledger.SaveExperimentAsync(stopped, cancellationToken);
                    return stopped;
                }
                SetActivity($"#{record.Sequence} ready, waiting: {hold.Reason}", record.Sequence);
                await Task.Delay(RetryDelay, cancellationToken);
                continue;
            }

            SetActivity($"waiting for a sandbox slot (#{record.Sequence} ready)", record.Sequence);
            var grant = await AcquireSlotAsync(cancellationToken);
            if (grant.Lease is not { } lease)
            {
                var notRun = Rejected(record, $"not started: {grant.Refusal}", FailureKind.NotRun);
                await ledger.SaveExperimentAsync(notRun, cancellationToken);
                return notRun;
            }
            try
            {
                // Paused or stopped while it waited for the slot: give the slot back untouched.
                if (await WhyNotStartAsync() is not null) continue;
                return await RunExperimentAsync(record, lease, cancellationToken);
            }
            finally
            {
                await TransientRetry.RunAsync(() => Fleet.Release(lease.LeaseId), "release the sandbox slot", logger);
            }
        }
    }

    /// <summary>Why a ready experiment must not start now: paused (wait) or stopped (final); null when it may.</summary>
    private async Task<(string Reason, bool Final)?> WhyNotStartAsync()
    {
        if (state.State.StopRequested) return ("the agent was stopped", true);
        if (state.State.Paused) return ("agent paused", false);
        var campaign = await TransientRetry.RunAsync(() => Campaign.GetStatus(), "read the campaign", logger);
        return campaign.State switch
        {
            CampaignState.Paused => ("campaign paused", false),
            CampaignState.Running => null,
            _ => ($"the campaign is {campaign.State.ToString().ToLowerInvariant()}", true),
        };
    }

    private async Task<ExperimentRecord> RunExperimentAsync(ExperimentRecord record, SlotLease lease, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ExperimentId"] = record.Id });
        var benchmark = Assignment.Benchmark;
        record = record with
        {
            Status = ExperimentStatus.Running,
            StartedAt = clock.GetUtcNow(),
            SlotStartedAt = lease.GrantedAt == default ? clock.GetUtcNow() : lease.GrantedAt,
            Attempt = record.Attempt + 1,
        };
        await ledger.SaveExperimentAsync(record, cancellationToken);
        SetActivity($"running #{record.Sequence}: {record.Hypothesis}", record.Sequence);
        logger.LogInformation("Experiment {ExperimentId} attempt {Attempt} starting on slot {Slot}", record.Id, record.Attempt, lease.Slot);

        var request = new SandboxRequest
        {
            CampaignId = CampaignId,
            ExperimentId = record.Id,
            Benchmark = benchmark,
            Parameters = record.Parameters,
            EditedFiles = record.EditedFiles,
            Seed = record.Seed,
            Split = record.IsHoldout ? EvaluationSplit.Holdout : EvaluationSplit.Tuning,
            GpuDeviceIds = lease.GpuDeviceIds,
            ArtifactsDirectory = options.Value.ArtifactsRoot is { } root
                ? Path.Combine(root, SafeName(CampaignId), record.Sequence.ToString("D4", CultureInfo.InvariantCulture))
                : null,
            EarlyStop = await EarlyStopFor(record, cancellationToken),
        };

        var running = record;
        SandboxResult result;
        try
        {
            result = await sandbox.RunAsync(request,
                async containerId =>
                {
                    running = running with { ContainerId = containerId };
                    await ledger.SaveExperimentAsync(running, cancellationToken);
                },
                onMetric: null,
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result = new SandboxResult
            {
                Status = ExperimentStatus.Failed,
                Failure = FailureKind.SandboxError,
                Reason = $"sandbox runner failed: {ex.Message}",
                StartedAt = running.StartedAt ?? clock.GetUtcNow(),
                EndedAt = clock.GetUtcNow(),
            };
        }

        var seconds = Math.Max(0, (result.EndedAt - result.StartedAt).TotalSeconds);
        var finished = running with
        {
            Status = result.Status,
            Failure = result.Failure,
            Reason = result.Reason,
            ContainerId = result.ContainerId ?? running.ContainerId,
            ImageId = result.ImageId,
            ExitCode = result.ExitCode,
            StartedAt = result.StartedAt,
            EndedAt = result.EndedAt,
            Objective = result.Objective,
            Metrics = result.Metrics.ToList(),
            LogHead = result.LogHead,
            LogTail = result.LogTail,
            Notes = result.Notes.ToList(),
            ArtifactsTruncated = result.ArtifactsTruncated,
            CpuSeconds = seconds * benchmark.Resources.Cpus,
            GpuSeconds = seconds * lease.GpuDeviceIds.Count,
            SlotEndedAt = clock.GetUtcNow(),
        };
        await ledger.SaveExperimentAsync(finished, CancellationToken.None);
        logger.LogInformation("Experiment {ExperimentId} {Status} objective {Objective} in {Seconds:F1}s", finished.Id, finished.Status, finished.Objective, seconds);
        return finished;
    }

    /// <summary>The benchmark's early-stopping rule over the curves of the campaign's finished runs; null when the rule is off.</summary>
    private async Task<Func<MetricPoint, string?>?> EarlyStopFor(ExperimentRecord record, CancellationToken cancellationToken)
    {
        var rule = Assignment.Benchmark.EarlyStopping;
        // The baseline and repeats always run to the end: they are the references and the noise measurement.
        if (!rule.Enabled || record.Kind != ExperimentKind.Proposal) return null;
        var curves = (await ledger.GetExperimentsAsync(CampaignId, cancellationToken))
            .Where(e => e.Status is ExperimentStatus.Succeeded or ExperimentStatus.Pruned && e.Metrics.Count > 0)
            .Select(e => (IReadOnlyList<MetricPoint>)e.Metrics)
            .ToList();
        var monitor = new EarlyStopper(rule, Assignment.Benchmark.Metric, curves).CreateMonitor();
        return monitor.Observe;
    }

    private async Task SettleAndFinishAsync(ExperimentRecord finished, string budgetKey, CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        var metric = Assignment.Benchmark.Metric;
        var bestBefore = metric.BestOf(experiments.Where(e => e.Id != finished.Id && e.EndedAt <= finished.EndedAt));
        Reflection? reflection = null;
        if (_proposer is IReflector reflector && finished.Kind == ExperimentKind.Proposal && finished.Failure is not (FailureKind.NotRun or FailureKind.Rejected))
        {
            SetActivity($"reflecting on #{finished.Sequence}", finished.Sequence);
            try
            {
                reflection = await reflector.ReflectAsync(new ReflectionContext
                {
                    Benchmark = Assignment.Benchmark,
                    Experiment = finished,
                    BestBefore = bestBefore,
                    CampaignId = CampaignId,
                    AgentId = Spec.Id,
                    TokensLeft = Math.Max(0, WorstCase.Tokens - finished.Tokens),
                }, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Reflection of agent {AgentId} on {ExperimentId} failed", Spec.Id, finished.Id);
            }
            if (reflection is { Tokens: > 0 })
            {
                finished = finished with { Tokens = finished.Tokens + reflection.Tokens };
                await ledger.SaveExperimentAsync(finished, CancellationToken.None);
            }
        }

        var refund = _budget!.Settle(budgetKey, finished.Use);
        var s = CurrentStatus();
        var succeeded = finished.HasUsableObjective;
        // A proposal rejected before it ran is no experiment: it uses the agent's allowance of rejections instead.
        var rejected = finished.IsRejectedProposal();
        _status = s with
        {
            Experiments = s.Experiments + (rejected ? 0 : 1),
            Rejections = s.Rejections + (rejected ? 1 : 0),
            Succeeded = s.Succeeded + (succeeded ? 1 : 0),
            Pruned = s.Pruned + (finished.Status == ExperimentStatus.Pruned ? 1 : 0),
            Refunded = finished.Status == ExperimentStatus.Pruned ? s.Refunded + refund : s.Refunded,
            CpuSecondsUsed = _budget.Used.CpuSeconds,
            GpuSecondsUsed = _budget.Used.GpuSeconds,
            TokensUsed = _budget.Used.Tokens,
            Reserved = _budget.Reserved,
            InFlight = Math.Max(0, _inFlight - 1),
            Best = succeeded && (s.Best is null || metric.IsBetter(finished.Objective!.Value, s.Best.Value)) ? finished.Objective : s.Best,
        };
        state.State.LastStatus = _status;
        await state.WriteStateAsync();

        var (kind, text) = ReflectionWriter.Reflect(Assignment.Benchmark, finished, bestBefore);
        if (reflection is { Text.Length: > 0 } written)
            (kind, text) = (JournalEntryKind.Reflection, $"{text} Reflection: {written.Text}");
        if (finished.Status == ExperimentStatus.Pruned)
            text += string.Create(CultureInfo.InvariantCulture, $" Its early stop gave back {refund.CpuSeconds:F0} CPU-s and {refund.GpuSeconds:F0} GPU-s of the reserved budget.");
        await WriteJournalAsync(kind, text, finished.Id);
        await TransientRetry.RunAsync(() => Campaign.ReportFinished(finished, _status), "report the finished experiment", logger);
    }

    /// <summary>Re-runs this agent's experiments that a crashed host left queued or running (their containers were reaped at start-up).</summary>
    private async Task RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        foreach (var interrupted in experiments.Where(e => e.AgentId == Spec.Id && !e.IsFinished))
        {
            await WriteJournalAsync(JournalEntryKind.System,
                $"Re-running experiment #{interrupted.Sequence}: it was {interrupted.Status.ToString().ToLowerInvariant()} when the host stopped.", interrupted.Id);
            var key = $"recover-{interrupted.Id}";
            // Its worst case was reserved before the crash; hold it again even if the budget was lowered since.
            _budget!.TryReserve(key, WorstCase, out _);
            _inFlight++;
            try
            {
                var finished = await RunWithSlotAsync(interrupted with { Status = ExperimentStatus.Queued, ContainerId = null }, cancellationToken);
                await SettleAndFinishAsync(finished, key, cancellationToken);
            }
            finally
            {
                _inFlight--;
            }
        }
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var all = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        var finishedOfMine = all.Where(e => e.AgentId == Spec.Id && e.IsFinished).ToList();
        var mine = finishedOfMine.Where(e => !e.IsRejectedProposal()).ToList();
        _proposals = all.Count(e => e.AgentId == Spec.Id && e.Kind == ExperimentKind.Proposal);
        var calls = await ledger.GetModelCallsAsync(CampaignId, cancellationToken);
        var metric = Assignment.Benchmark.Metric;
        // Calls of experiments still unfinished are charged when those are recovered and settled (their record carries them).
        var unfinished = all.Where(e => e.AgentId == Spec.Id && !e.IsFinished).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var used = finishedOfMine.Aggregate(ResourceUse.Zero, (u, e) => u + e.Use with { Tokens = 0 })
                   + new ResourceUse { Tokens = calls.Where(c => c.AgentId == Spec.Id && (c.ExperimentId is null || !unfinished.Contains(c.ExperimentId))).Sum(c => c.TotalTokens) };
        _budget = new BudgetAccount(EffectiveBudget, used);
        var budget = EffectiveBudget;
        _status = CurrentStatus() with
        {
            State = AgentState.Running,
            Experiments = mine.Count,
            Rejections = finishedOfMine.Count - mine.Count,
            Succeeded = mine.Count(e => e.HasUsableObjective),
            Pruned = mine.Count(e => e.Status == ExperimentStatus.Pruned),
            CpuSecondsUsed = used.CpuSeconds,
            GpuSecondsUsed = used.GpuSeconds,
            TokensUsed = used.Tokens,
            TokenBudget = budget.Tokens,
            CpuBudgetSeconds = budget.CpuSeconds,
            GpuBudgetSeconds = budget.GpuSeconds,
            Best = metric.BestOf(mine)?.Objective,
        };
    }

    private async Task<SlotGrant> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        var benchmark = Assignment.Benchmark;
        var request = new SlotRequest
        {
            CampaignId = CampaignId,
            AgentId = Spec.Id,
            CampaignWeight = Assignment.CampaignWeight,
            AgentWeight = Spec.Weight,
            MaxSlotsForCampaign = Assignment.MaxSlots,
            Gpus = benchmark.Resources.Gpus,
            MaxDuration = benchmark.TimeLimit + KillGrace,
            MustFinishBy = (await TransientRetry.RunAsync(() => Campaign.GetStatus(), "read the campaign", logger, cancellationToken)).Deadline,
        };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grant = await TransientRetry.RunAsync(() => Fleet.Acquire(request, options.Value.SlotWait), "ask the fleet for a slot", logger, cancellationToken,
                retryTimeouts: false);
            if (grant.Lease is not null || grant.Refusal is not null) return grant;
        }
    }

    private async Task WriteJournalAsync(JournalEntryKind kind, string text, string? experimentId) =>
        await journal.AppendAsync(new JournalEntry
        {
            CampaignId = CampaignId,
            Author = Spec.Id,
            Kind = kind,
            Text = text,
            ExperimentId = experimentId,
            At = clock.GetUtcNow(),
        });

    private AgentStatus CurrentStatus() => _status ?? AgentStatus.Initial(Spec);

    /// <param name="sequence">The experiment the line is about, so views can tell when the ledger has it finished.</param>
    private void SetActivity(string activity, int? sequence = null) =>
        _status = CurrentStatus() with
        {
            Activity = activity,
            ActivitySequence = sequence,
            State = StateNow(),
            InFlight = _inFlight,
            Reserved = _budget?.Reserved ?? ResourceUse.Zero,
        };

    /// <summary>A held-out run of <paramref name="target"/>: its parameters and edits, a fresh seed, scored with <c>AR_EVAL=holdout</c>.</summary>
    private static ExperimentRecord HeldOutRun(ExperimentRecord baseRecord, ExperimentRecord target) => baseRecord with
    {
        ProposerName = "holdout",
        IsBaseline = false,
        RepeatOf = target.Id,
        Parameters = new Dictionary<string, string>(target.Parameters, StringComparer.Ordinal),
        EditedFiles = new Dictionary<string, string>(target.EditedFiles, StringComparer.Ordinal),
        Diff = target.Diff,
        Hypothesis = target.Kind == ExperimentKind.Baseline || target.IsBaseline
            ? $"Held-out re-validation: the baseline on the held-out evaluation with seed {baseRecord.Seed}."
            : $"Held-out re-validation: experiment #{target.Sequence} on the held-out evaluation with seed {baseRecord.Seed}.",
    };

    private int SeedFor(int sequence) => Assignment.Benchmark.FixedSeed ?? (int)((uint)(Spec.Seed * 1_000_003 + sequence) & 0x7fffffff);

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
