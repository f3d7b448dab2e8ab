using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace AutoResearch.Grains;

/// <summary>
/// A research agent: ticket from the campaign → slot from the fleet → proposal → sandbox run → ledger → reflection in the journal.
/// Its loop runs as an interleaving grain timer so status calls are answered while an experiment runs.
/// After a host crash it first re-runs its experiments the ledger still shows as queued or running.
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
    private IGrainTimer? _loop;
    private bool _loopRunning;
    private AgentStatus? _status;
    private IProposer? _proposer;

    private AgentAssignment Assignment => state.State.Assignment ?? throw new InvalidOperationException($"Agent '{this.GetPrimaryKeyString()}' has no assignment.");
    private AgentSpec Spec => Assignment.Agent;
    private string CampaignId => Assignment.CampaignId;
    private ICampaignGrain Campaign => GrainFactory.GetGrain<ICampaignGrain>(CampaignId);

    public async Task Start(AgentAssignment assignment)
    {
        if (state.State.Assignment is null)
        {
            state.State.Assignment = assignment;
            await state.WriteStateAsync();
        }
        if (state.State.StopRequested || _loopRunning) return;
        _loopRunning = true;
        _status = (state.State.LastStatus ?? AgentStatus.Initial(Spec)) with { State = AgentState.Running, Activity = "starting" };
        _loop = this.RegisterGrainTimer(RunLoopAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    public Task<AgentStatus> GetStatus() =>
        Task.FromResult(_status ?? state.State.LastStatus ?? (state.State.Assignment is null
            ? throw new InvalidOperationException($"Agent '{this.GetPrimaryKeyString()}' was never started.")
            : AgentStatus.Initial(Spec)));

    public async Task<AgentStatus> Control(ControlRequest request)
    {
        await Stop();
        return await GetStatus();
    }

    public async Task Stop()
    {
        state.State.StopRequested = true;
        await state.WriteStateAsync();
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CampaignId"] = CampaignId, ["AgentId"] = Spec.Id });
        var finalState = AgentState.Done;
        try
        {
            _proposer = proposers.Create(Spec);
            await RebuildCountersAsync(cancellationToken);
            await RecoverInterruptedAsync(cancellationToken);

            while (!cancellationToken.IsCancellationRequested)
            {
                DelayDeactivation(TimeSpan.FromHours(1));
                if (state.State.StopRequested) { finalState = AgentState.Stopped; break; }
                if (BudgetSpentReason() is { } spent)
                {
                    await WriteJournalAsync(JournalEntryKind.System, $"Stopping: {spent}.", null);
                    SetActivity($"done: {spent}");
                    break;
                }

                SetActivity("asking for a ticket");
                var ticket = await Campaign.RequestTicket(new TicketRequest { AgentId = Spec.Id });
                if (!ticket.Granted)
                {
                    SetActivity($"done: {ticket.Reason}");
                    break;
                }
                await RunTicketAsync(ticket, cancellationToken);
            }
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
            SetActivity($"failed: {ex.Message}");
        }

        _loopRunning = false;
        _status = CurrentStatus() with { State = finalState };
        state.State.LastStatus = _status;
        await state.WriteStateAsync();
        await Campaign.ReportAgent(_status);
    }

    private async Task RunTicketAsync(ExperimentTicket ticket, CancellationToken cancellationToken)
    {
        SetActivity("waiting for a sandbox slot");
        var lease = await AcquireSlotAsync(ticket.MaxSlots, cancellationToken);
        try
        {
            var record = await ProposeAsync(ticket, cancellationToken);
            await ledger.SaveExperimentAsync(record, cancellationToken);
            if (record.IsFinished)
            {
                await FinishAsync(record, cancellationToken);
                return;
            }
            await RunExperimentAsync(record, lease, cancellationToken);
        }
        finally
        {
            await GrainFactory.GetGrain<IFleetGrain>(Names.LocalFleet).Release(lease.LeaseId);
        }
    }

    private async Task<ExperimentRecord> ProposeAsync(ExperimentTicket ticket, CancellationToken cancellationToken)
    {
        var benchmark = Assignment.Benchmark;
        var baseRecord = new ExperimentRecord
        {
            Id = $"{CampaignId}/{ticket.Sequence:D4}",
            CampaignId = CampaignId,
            AgentId = Spec.Id,
            Sequence = ticket.Sequence,
            ProposerName = ticket.IsBaseline ? "baseline" : _proposer!.Name,
            Parameters = benchmark.Defaults(),
            IsBaseline = ticket.IsBaseline,
            Status = ExperimentStatus.Queued,
            QueuedAt = clock.GetUtcNow(),
            Seed = SeedFor(ticket.Sequence),
            Hypothesis = ticket.IsBaseline ? "Baseline: every parameter at its default, no edits." : "",
        };
        if (ticket.IsBaseline) return baseRecord;

        SetActivity("proposing");
        try
        {
            var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
            var context = new ProposalContext
            {
                Benchmark = benchmark,
                History = experiments.Where(e => e.IsFinished).Select(e => new Observation
                {
                    Parameters = e.Parameters,
                    Objective = e.Status == ExperimentStatus.Succeeded ? e.Objective : null,
                }).ToList(),
                Pending = experiments.Where(e => !e.IsFinished).Select(e => e.Parameters).ToList(),
                Seed = Spec.Seed,
                Round = _status!.Experiments,
                Settings = Spec.Settings,
            };
            var proposal = await _proposer!.ProposeAsync(context, cancellationToken);
            var problem = ProposalValidator.Validate(benchmark, proposal);
            if (problem is not null)
                return Rejected(baseRecord with { Parameters = proposal.Parameters, Hypothesis = proposal.Hypothesis }, problem);
            return baseRecord with
            {
                Parameters = proposal.Parameters,
                Diff = proposal.Diff,
                EditedFiles = proposal.EditedFiles,
                Hypothesis = proposal.Hypothesis,
                ProposerName = proposal.ProposerName,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Proposer {Proposer} of agent {AgentId} failed", Spec.Proposer, Spec.Id);
            return Rejected(baseRecord, $"proposer {Spec.Proposer} failed: {ex.Message}");
        }
    }

    private ExperimentRecord Rejected(ExperimentRecord record, string reason)
    {
        var now = clock.GetUtcNow();
        return record with { Status = ExperimentStatus.Failed, Failure = FailureKind.Rejected, Reason = reason, StartedAt = now, EndedAt = now };
    }

    private async Task RunExperimentAsync(ExperimentRecord record, SlotLease lease, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ExperimentId"] = record.Id });
        var benchmark = Assignment.Benchmark;
        record = record with { Status = ExperimentStatus.Running, StartedAt = clock.GetUtcNow(), Attempt = record.Attempt + 1 };
        await ledger.SaveExperimentAsync(record, cancellationToken);
        SetActivity($"running #{record.Sequence}: {record.Hypothesis}");
        logger.LogInformation("Experiment {ExperimentId} attempt {Attempt} starting on slot {Slot}", record.Id, record.Attempt, lease.Slot);

        var request = new SandboxRequest
        {
            CampaignId = CampaignId,
            ExperimentId = record.Id,
            Benchmark = benchmark,
            Parameters = record.Parameters,
            EditedFiles = record.EditedFiles,
            Seed = record.Seed,
            GpuDeviceIds = lease.GpuDeviceIds,
            ArtifactsDirectory = options.Value.ArtifactsRoot is { } root
                ? Path.Combine(root, SafeName(CampaignId), record.Sequence.ToString("D4", CultureInfo.InvariantCulture))
                : null,
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
            CpuSeconds = seconds * benchmark.Resources.Cpus,
            GpuSeconds = seconds * lease.GpuDeviceIds.Count,
        };
        await ledger.SaveExperimentAsync(finished, CancellationToken.None);
        logger.LogInformation("Experiment {ExperimentId} {Status} objective {Objective} in {Seconds:F1}s", finished.Id, finished.Status, finished.Objective, seconds);
        await FinishAsync(finished, cancellationToken);
    }

    private async Task FinishAsync(ExperimentRecord finished, CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        var metric = Assignment.Benchmark.Metric;
        var bestBefore = metric.BestOf(experiments.Where(e => e.Id != finished.Id && e.EndedAt <= finished.EndedAt));
        var (kind, text) = ReflectionWriter.Reflect(Assignment.Benchmark, finished, bestBefore);
        await WriteJournalAsync(kind, text, finished.Id);

        var s = CurrentStatus();
        var succeeded = finished.HasUsableObjective;
        _status = s with
        {
            Experiments = s.Experiments + 1,
            Succeeded = s.Succeeded + (succeeded ? 1 : 0),
            CpuSecondsUsed = s.CpuSecondsUsed + finished.CpuSeconds,
            GpuSecondsUsed = s.GpuSecondsUsed + finished.GpuSeconds,
            Best = succeeded && (s.Best is null || metric.IsBetter(finished.Objective!.Value, s.Best.Value)) ? finished.Objective : s.Best,
        };
        state.State.LastStatus = _status;
        await state.WriteStateAsync();
        await Campaign.ReportFinished(finished, _status);
    }

    /// <summary>Re-runs this agent's experiments that a crashed host left queued or running (their containers were reaped at start-up).</summary>
    private async Task RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        foreach (var interrupted in experiments.Where(e => e.AgentId == Spec.Id && !e.IsFinished))
        {
            await WriteJournalAsync(JournalEntryKind.System,
                $"Re-running experiment #{interrupted.Sequence}: it was {interrupted.Status.ToString().ToLowerInvariant()} when the host stopped.", interrupted.Id);
            SetActivity("waiting for a sandbox slot");
            var ticketSlots = (await Campaign.GetStatus()).Slots;
            var lease = await AcquireSlotAsync(ticketSlots, cancellationToken);
            try
            {
                await RunExperimentAsync(interrupted with { Status = ExperimentStatus.Queued, ContainerId = null }, lease, cancellationToken);
            }
            finally
            {
                await GrainFactory.GetGrain<IFleetGrain>(Names.LocalFleet).Release(lease.LeaseId);
            }
        }
    }

    private async Task RebuildCountersAsync(CancellationToken cancellationToken)
    {
        var mine = (await ledger.GetExperimentsAsync(CampaignId, cancellationToken)).Where(e => e.AgentId == Spec.Id && e.IsFinished).ToList();
        var metric = Assignment.Benchmark.Metric;
        _status = CurrentStatus() with
        {
            State = AgentState.Running,
            Experiments = mine.Count,
            Succeeded = mine.Count(e => e.Status == ExperimentStatus.Succeeded),
            CpuSecondsUsed = mine.Sum(e => e.CpuSeconds),
            GpuSecondsUsed = mine.Sum(e => e.GpuSeconds),
            Best = metric.BestOf(mine)?.Objective,
        };
    }

    private async Task<SlotLease> AcquireSlotAsync(int maxSlots, CancellationToken cancellationToken)
    {
        var fleet = GrainFactory.GetGrain<IFleetGrain>(Names.LocalFleet);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grant = await fleet.Acquire(new SlotRequest { CampaignId = CampaignId, AgentId = Spec.Id, MaxSlotsForCampaign = maxSlots }, options.Value.SlotWait);
            if (grant.Lease is not null) return grant.Lease;
        }
    }

    private string? BudgetSpentReason()
    {
        var s = CurrentStatus();
        if (Spec.CpuBudgetSeconds > 0 && s.CpuSecondsUsed >= Spec.CpuBudgetSeconds)
            return $"CPU budget spent ({s.CpuSecondsUsed:F0} of {Spec.CpuBudgetSeconds:F0} CPU-seconds)";
        if (Spec.GpuBudgetSeconds > 0 && s.GpuSecondsUsed >= Spec.GpuBudgetSeconds)
            return $"GPU budget spent ({s.GpuSecondsUsed:F0} of {Spec.GpuBudgetSeconds:F0} GPU-seconds)";
        if (Spec.TokenBudget > 0 && s.TokensUsed >= Spec.TokenBudget)
            return $"token budget spent ({s.TokensUsed} of {Spec.TokenBudget} tokens)";
        return null;
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

    private void SetActivity(string activity) => _status = CurrentStatus() with { Activity = activity };

    private int SeedFor(int sequence) => (int)((uint)(Spec.Seed * 1_000_003 + sequence) & 0x7fffffff);

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
