using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Evaluation;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Agents;

/// <summary>
/// One experiment of an agent, from its ticket to its report: proposal (<see cref="ProposalStep"/>) → ledger → slot from the
/// fleet → sandbox run (stopped early by the benchmark's rule when hopeless) → ledger → reflection → settling the agent's
/// budget (refunding what was not used) → journal → report to the campaign. Also re-runs what a crashed host left unfinished.
/// </summary>
public sealed class ExperimentPipeline(AgentSession agent)
{
    private readonly ProposalStep _proposals = new(agent);

    /// <summary>Runs the experiment of a granted ticket whose worst case is reserved under <paramref name="budgetKey"/>.</summary>
    public async Task RunTicketAsync(ExperimentTicket ticket, string budgetKey, CancellationToken cancellationToken)
    {
        var record = await _proposals.PrepareAsync(ticket, cancellationToken);
        // Over the campaign's approval threshold: recorded as awaiting approval, and it waits for a person without a slot.
        if (!record.IsFinished && agent.Assignment.Approval.Why(agent.Assignment.Benchmark) is not null)
            record = record with { Status = ExperimentStatus.AwaitingApproval };
        await agent.Ledger.SaveExperimentAsync(record, cancellationToken);
        if (record.Status == ExperimentStatus.AwaitingApproval)
        {
            if (await AwaitApprovalAsync(record, cancellationToken) is not { } decided)
            {
                LeaveForNextHost(record, budgetKey);
                return;
            }
            record = decided;
        }
        if (record.IsFinished)
        {
            await SettleAndFinishAsync(record, budgetKey, cancellationToken);
            return;
        }
        if (await RunWithSlotAsync(record, cancellationToken) is not { } finished)
        {
            LeaveForNextHost(record, budgetKey);
            return;
        }
        await SettleAndFinishAsync(finished, budgetKey, cancellationToken);
    }

    /// <summary>
    /// The agent is moving to another host and the experiment did not start here: it stays queued (or awaiting approval) in
    /// the ledger, its ticket still counted by the campaign, and the agent's next activation picks it up
    /// (<see cref="RecoverInterruptedAsync"/>) on its new host. Its budget reservation here is let go (that one re-reserves it).
    /// </summary>
    private void LeaveForNextHost(ExperimentRecord record, string budgetKey)
    {
        agent.Budget!.Cancel(budgetKey);
        agent.RunStops.Forget(record.Sequence);
        agent.Logger.LogInformation("Experiment {ExperimentId} (#{Sequence}) did not start here: it goes with agent {AgentId} to host {Host}",
            record.Id, record.Sequence, agent.Spec.Id, agent.MovingTo);
    }

    /// <summary>Re-runs this agent's experiments that a crashed host left queued or running (their containers were reaped at start-up).</summary>
    public async Task RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        var experiments = await agent.Ledger.GetExperimentsAsync(agent.CampaignId, cancellationToken);
        foreach (var interrupted in experiments.Where(e => e.AgentId == agent.Spec.Id && !e.IsFinished))
        {
            var key = $"recover-{interrupted.Id}";
            // Its worst case was reserved before the crash; hold it again even if the budget was lowered since.
            agent.Budget!.TryReserve(key, agent.WorstCase, out _);
            agent.InFlight++;
            try
            {
                // One still awaiting approval takes a decision a person made before this activation (its silo died, or it
                // moved) from the ledger's control log, or waits again; a
                // sandbox that ran to its end after its host died: its outcome is collected (scored as usual), not run again.
                var finished = await CollectAsync(interrupted, cancellationToken); // null unless it was running in a sandbox
                if (finished is not null)
                {
                    await agent.WriteJournalAsync(JournalEntryKind.System,
                        $"Collected experiment #{interrupted.Sequence}: its sandbox finished after the host running it stopped.", interrupted.Id);
                }
                else if (interrupted.Status == ExperimentStatus.AwaitingApproval)
                {
                    await RecallDecisionAsync(interrupted.Sequence, cancellationToken);
                    var ready = await AwaitApprovalAsync(interrupted, cancellationToken);
                    finished = ready is null || ready.IsFinished ? ready : await RunWithSlotAsync(ready, cancellationToken);
                }
                else
                {
                    await agent.WriteJournalAsync(JournalEntryKind.System, interrupted.Status == ExperimentStatus.Queued
                        ? $"Picking up experiment #{interrupted.Sequence}: it was still waiting for a sandbox slot when this agent last stopped or moved hosts."
                        : $"Re-running experiment #{interrupted.Sequence}: it was {interrupted.Status.ToString().ToLowerInvariant()} when the host stopped.", interrupted.Id);
                    finished = await RunWithSlotAsync(interrupted with { Status = ExperimentStatus.Queued, ContainerId = null }, cancellationToken);
                }
                if (finished is null) LeaveForNextHost(interrupted, key);
                else await SettleAndFinishAsync(finished, key, cancellationToken);
            }
            finally
            {
                agent.InFlight--;
            }
        }
    }

    /// <summary>
    /// The outcome of an interrupted run whose sandbox finished while no host watched it, recorded as this attempt's; null when
    /// there is none to collect (the runner says why in its log) and the experiment must run again.
    /// </summary>
    private async Task<ExperimentRecord?> CollectAsync(ExperimentRecord interrupted, CancellationToken cancellationToken)
    {
        if (interrupted.Status != ExperimentStatus.Running || interrupted.ContainerId is not { Length: > 0 } containerId) return null;
        var result = await agent.Sandbox.CollectAsync(SandboxRequestFor(interrupted, [], earlyStop: null), containerId, cancellationToken);
        if (result is null) return null;
        // The dead silo's lease is gone with it; the run held as many GPUs as its benchmark asks for (a lease gives all or waits).
        var finished = Finished(interrupted, result, gpus: agent.Assignment.Benchmark.Resources.Gpus);
        await agent.Ledger.SaveExperimentAsync(finished, CancellationToken.None);
        agent.Logger.LogInformation("Experiment {ExperimentId} collected after its host died: {Status} objective {Objective}", finished.Id, finished.Status, finished.Objective);
        return finished;
    }

    /// <summary>
    /// A person's approval or rejection of experiment #<paramref name="sequence"/> applied before this activation (the one
    /// that took it died or moved before its worker took it): read back from the campaign's control log, the latest wins.
    /// </summary>
    private async Task RecallDecisionAsync(int sequence, CancellationToken cancellationToken)
    {
        var earlier = (await agent.Ledger.GetControlsAsync(agent.CampaignId, cancellationToken))
            .Where(c => c.TookEffect && c.ExperimentSequence == sequence && c.Action is ControlAction.ApproveExperiment or ControlAction.RejectExperiment)
            .MaxBy(c => c.AppliedAt);
        if (earlier is not null)
            agent.Approvals.DecideUnlessDecided(sequence, new ApprovalDecision(earlier.Action == ControlAction.ApproveExperiment, earlier.RequestedBy, earlier.Reason));
    }

    /// <summary>
    /// An experiment over the campaign's approval threshold waits here, holding no sandbox slot, until a person approves it
    /// (it goes on queued for a slot) or rejects it (recorded as <see cref="FailureKind.RejectedByPerson"/>), a person stops it,
    /// or the agent or campaign ends (recorded as not run). Its agent's status says what it waits for. Null when its agent moves
    /// to another host first: it waits there.
    /// </summary>
    private async Task<ExperimentRecord?> AwaitApprovalAsync(ExperimentRecord record, CancellationToken cancellationToken)
    {
        var why = agent.Assignment.Approval.Why(agent.Assignment.Benchmark) ?? "its cost is over the campaign's approval threshold";
        await agent.WriteJournalAsync(JournalEntryKind.System,
            $"Experiment #{record.Sequence} awaits a person's approval before it runs: {why}. Approve or reject it in the console, the API or the CLI.", record.Id);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (agent.MovingTo is not null && !agent.Host.StopRequested) return null;
            if (agent.Approvals.Take(record.Sequence) is { } decision)
            {
                await agent.WriteJournalAsync(JournalEntryKind.System, $"Experiment #{record.Sequence} {decision.Describe()}.", record.Id);
                if (!decision.Approved)
                {
                    var rejected = _proposals.Rejected(record, $"not started: {decision.Describe()}", FailureKind.RejectedByPerson);
                    await agent.Ledger.SaveExperimentAsync(rejected, cancellationToken);
                    return rejected;
                }
                var approved = record with { Status = ExperimentStatus.Queued };
                await agent.Ledger.SaveExperimentAsync(approved, cancellationToken);
                return approved;
            }
            if (agent.RunStops.Requested(record.Sequence) is { } personStop)
            {
                var stopped = _proposals.Rejected(record, $"not started: {personStop.Describe()}", FailureKind.StoppedByPerson);
                await agent.Ledger.SaveExperimentAsync(stopped, cancellationToken);
                return stopped;
            }
            // Ended, or too close to the deadline for its run: recorded as not run, so the campaign can end on time.
            var end = await WhyNotStartAsync() is { Final: true } over ? over.Reason
                : (await agent.Host.ReadCampaignAsync(cancellationToken)).Deadline is { } deadline && agent.Clock.GetUtcNow() + agent.Assignment.Benchmark.TimeLimit > deadline
                    ? "the deadline came too close for its run" : null;
            if (end is not null)
            {
                var notRun = _proposals.Rejected(record, $"not started: {end} while it awaited approval", FailureKind.NotRun);
                await agent.Ledger.SaveExperimentAsync(notRun, cancellationToken);
                return notRun;
            }
            agent.SetActivity($"#{record.Sequence} awaiting approval: {why}", record.Sequence);
            await agent.WakeUp.WaitAsync(AgentSession.RetryFallback, cancellationToken);
        }
    }

    /// <summary>
    /// Waits for a slot (fair share, GPUs, deadline), runs the experiment on it and releases it once the result is recorded.
    /// A proposal still waiting when its agent or campaign is paused waits for the resume without holding a slot; one still
    /// waiting when they are stopped is recorded as not run. Null when it has no slot yet and its agent moves to another host:
    /// it is left queued for the agent there (a slot granted before the move is used here).
    /// </summary>
    private async Task<ExperimentRecord?> RunWithSlotAsync(ExperimentRecord record, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (agent.MovingTo is not null && !agent.Host.StopRequested) return null;
            if (agent.RunStops.Requested(record.Sequence) is { } personStop)
            {
                var stopped = _proposals.Rejected(record, $"not started: {personStop.Describe()}", FailureKind.StoppedByPerson);
                await agent.Ledger.SaveExperimentAsync(stopped, cancellationToken);
                return stopped;
            }
            if (await WhyNotStartAsync() is { } hold)
            {
                if (hold.Final)
                {
                    var stopped = _proposals.Rejected(record, $"not started: {hold.Reason}", FailureKind.NotRun);
                    await agent.Ledger.SaveExperimentAsync(stopped, cancellationToken);
                    return stopped;
                }
                // Only a call resumes a paused agent or campaign (Control, or the campaign's Start of its agents): both wake it.
                agent.SetActivity($"#{record.Sequence} ready, waiting: {hold.Reason}", record.Sequence);
                await agent.WakeUp.WaitAsync(AgentSession.PausedFallback, cancellationToken);
                continue;
            }

            agent.SetActivity($"waiting for a sandbox slot (#{record.Sequence} ready)", record.Sequence);
            var grant = await AcquireSlotAsync(cancellationToken);
            if (grant.Lease is null && grant.Refusal is null) continue; // its agent is moving: it goes along
            if (grant.Lease is not { } lease)
            {
                var notRun = _proposals.Rejected(record, $"not started: {grant.Refusal}", FailureKind.NotRun);
                await agent.Ledger.SaveExperimentAsync(notRun, cancellationToken);
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
                await agent.Host.ReleaseSlotAsync(lease.LeaseId);
            }
        }
    }

    /// <summary>Why a ready experiment must not start now: paused (wait) or stopped (final); null when it may.</summary>
    private async Task<(string Reason, bool Final)?> WhyNotStartAsync()
    {
        if (agent.Host.StopRequested) return ("the agent was stopped", true);
        if (agent.Host.Paused) return ("agent paused", false);
        var campaign = await agent.Host.ReadCampaignAsync();
        return campaign.State switch
        {
            CampaignState.Paused => ("campaign paused", false),
            CampaignState.Running => null,
            _ => ($"the campaign is {campaign.State.ToString().ToLowerInvariant()}", true),
        };
    }

    private async Task<SlotGrant> AcquireSlotAsync(CancellationToken cancellationToken)
    {
        var benchmark = agent.Assignment.Benchmark;
        var request = new SlotRequest
        {
            CampaignId = agent.CampaignId,
            AgentId = agent.Spec.Id,
            CampaignWeight = agent.Assignment.CampaignWeight,
            AgentWeight = agent.Spec.Weight,
            MaxSlotsForCampaign = agent.Assignment.MaxSlots,
            Gpus = benchmark.Resources.Gpus,
            MaxDuration = benchmark.TimeLimit + AgentSession.KillGrace,
            MustFinishBy = (await agent.Host.ReadCampaignAsync(cancellationToken)).Deadline,
        };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Moving to another host: stop asking this one (each ask waits up to AgentOptions.SlotWait).
            if (agent.MovingTo is not null) return SlotGrant.Wait;
            var grant = await agent.Host.AcquireSlotAsync(request, cancellationToken);
            if (grant.Lease is not null || grant.Refusal is not null) return grant;
        }
    }

    private async Task<ExperimentRecord> RunExperimentAsync(ExperimentRecord record, SlotLease lease, CancellationToken cancellationToken)
    {
        using var scope = agent.Logger.BeginScope(new Dictionary<string, object> { ["ExperimentId"] = record.Id });
        var clock = agent.Clock;
        record = record with
        {
            Status = ExperimentStatus.Running,
            StartedAt = clock.GetUtcNow(),
            SlotStartedAt = lease.GrantedAt == default ? clock.GetUtcNow() : lease.GrantedAt,
            Attempt = record.Attempt + 1,
            Host = lease.Host,
        };
        await agent.Ledger.SaveExperimentAsync(record, cancellationToken);
        agent.SetActivity($"running #{record.Sequence}: {record.Hypothesis}", record.Sequence);
        agent.Logger.LogInformation("Experiment {ExperimentId} attempt {Attempt} starting on slot {Slot} of host {Host}", record.Id, record.Attempt, lease.Slot, lease.Host);

        var request = SandboxRequestFor(record, lease.GpuDeviceIds, await EarlyStopFor(record, cancellationToken));

        var running = record;
        SandboxResult result;
        // A person's stop cancels the run like a host shutdown does (the runner kills and removes the container), but is recorded.
        using var personStop = agent.RunStops.Register(record.Sequence);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, personStop.Token);
        try
        {
            result = await agent.Sandbox.RunAsync(request,
                async containerId =>
                {
                    running = running with { ContainerId = containerId };
                    await agent.Ledger.SaveExperimentAsync(running, cancellationToken);
                },
                onMetric: null,
                run.Token);
        }
        catch (OperationCanceledException) when (personStop.Token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var stop = agent.RunStops.Requested(record.Sequence) ?? new PersonStop("", "");
            agent.Logger.LogInformation("Experiment {ExperimentId} {Stop}", record.Id, stop.Describe());
            result = new SandboxResult
            {
                Status = ExperimentStatus.Failed,
                Failure = FailureKind.StoppedByPerson,
                Reason = stop.Describe(),
                StartedAt = running.StartedAt ?? clock.GetUtcNow(),
                EndedAt = clock.GetUtcNow(),
            };
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

        var finished = Finished(running, result, lease.GpuDeviceIds.Count) with { SlotEndedAt = clock.GetUtcNow() };
        await agent.Ledger.SaveExperimentAsync(finished, CancellationToken.None);
        agent.Logger.LogInformation("Experiment {ExperimentId} {Status} objective {Objective} in {Seconds:F1}s", finished.Id, finished.Status, finished.Objective,
            Math.Max(0, (result.EndedAt - result.StartedAt).TotalSeconds));
        return finished;
    }

    private SandboxRequest SandboxRequestFor(ExperimentRecord record, IReadOnlyList<string> gpuDeviceIds, Func<MetricPoint, string?>? earlyStop) => new()
    {
        CampaignId = agent.CampaignId,
        ExperimentId = record.Id,
        Benchmark = agent.Assignment.Benchmark,
        Parameters = record.Parameters,
        EditedFiles = record.EditedFiles,
        Seed = record.Seed,
        Split = record.IsHoldout ? EvaluationSplit.Holdout : EvaluationSplit.Tuning,
        GpuDeviceIds = gpuDeviceIds,
        ArtifactsDirectory = agent.Options.ArtifactsRoot is { } root
            ? Path.Combine(root, SafeName(agent.CampaignId), record.Sequence.ToString("D4", CultureInfo.InvariantCulture))
            : null,
        EarlyStop = earlyStop,
    };

    /// <summary>The running record with the sandbox's outcome; CPU and GPU time from its duration.</summary>
    private ExperimentRecord Finished(ExperimentRecord running, SandboxResult result, int gpus)
    {
        var seconds = Math.Max(0, (result.EndedAt - result.StartedAt).TotalSeconds);
        return running with
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
            CpuSeconds = seconds * agent.Assignment.Benchmark.Resources.Cpus,
            GpuSeconds = seconds * gpus,
        };
    }

    /// <summary>The benchmark's early-stopping rule over the curves of the campaign's finished runs; null when the rule is off.</summary>
    private async Task<Func<MetricPoint, string?>?> EarlyStopFor(ExperimentRecord record, CancellationToken cancellationToken)
    {
        var rule = agent.Assignment.Benchmark.EarlyStopping;
        // The baseline and repeats always run to the end: they are the references and the noise measurement.
        if (!rule.Enabled || record.Kind != ExperimentKind.Proposal) return null;
        var curves = (await agent.Ledger.GetExperimentsAsync(agent.CampaignId, cancellationToken))
            .Where(e => e.Status is ExperimentStatus.Succeeded or ExperimentStatus.Pruned && e.Metrics.Count > 0)
            .Select(e => (IReadOnlyList<MetricPoint>)e.Metrics)
            .ToList();
        var monitor = new EarlyStopper(rule, agent.Assignment.Benchmark.Metric, curves).CreateMonitor();
        return monitor.Observe;
    }

    private async Task SettleAndFinishAsync(ExperimentRecord finished, string budgetKey, CancellationToken cancellationToken)
    {
        var experiments = await agent.Ledger.GetExperimentsAsync(agent.CampaignId, cancellationToken);
        var metric = agent.Assignment.Benchmark.Metric;
        var bestBefore = metric.BestOf(experiments.Where(e => e.Id != finished.Id && e.EndedAt <= finished.EndedAt));
        Reflection? reflection = null;
        agent.RunStops.Forget(finished.Sequence);
        if (agent.Proposer is IReflector reflector && finished.Kind == ExperimentKind.Proposal && finished.Failure is not (FailureKind.NotRun or FailureKind.Rejected or FailureKind.StoppedByPerson or FailureKind.RejectedByPerson))
        {
            agent.SetActivity($"reflecting on #{finished.Sequence}", finished.Sequence);
            try
            {
                reflection = await reflector.ReflectAsync(new ReflectionContext
                {
                    Benchmark = agent.Assignment.Benchmark,
                    Experiment = finished,
                    BestBefore = bestBefore,
                    CampaignId = agent.CampaignId,
                    AgentId = agent.Spec.Id,
                    TokensLeft = Math.Max(0, agent.WorstCase.Tokens - finished.Tokens),
                }, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                agent.Logger.LogWarning(ex, "Reflection of agent {AgentId} on {ExperimentId} failed", agent.Spec.Id, finished.Id);
            }
            if (reflection is { Tokens: > 0 })
            {
                finished = finished with { Tokens = finished.Tokens + reflection.Tokens };
                await agent.Ledger.SaveExperimentAsync(finished, CancellationToken.None);
            }
        }

        var budget = agent.Budget!;
        var refund = budget.Settle(budgetKey, finished.Use);
        var s = agent.Current;
        var succeeded = finished.HasUsableObjective;
        // A proposal rejected before it ran is no experiment: it uses the agent's allowance of rejections instead.
        var rejected = finished.IsRejectedProposal();
        agent.Status = s with
        {
            Experiments = s.Experiments + (rejected ? 0 : 1),
            Rejections = s.Rejections + (rejected ? 1 : 0),
            Succeeded = s.Succeeded + (succeeded ? 1 : 0),
            Pruned = s.Pruned + (finished.Status == ExperimentStatus.Pruned ? 1 : 0),
            Refunded = finished.Status == ExperimentStatus.Pruned ? s.Refunded + refund : s.Refunded,
            CpuSecondsUsed = budget.Used.CpuSeconds,
            GpuSecondsUsed = budget.Used.GpuSeconds,
            TokensUsed = budget.Used.Tokens,
            Reserved = budget.Reserved,
            InFlight = Math.Max(0, agent.InFlight - 1),
            Best = succeeded && (s.Best is null || metric.IsBetter(finished.Objective!.Value, s.Best.Value)) ? finished.Objective : s.Best,
        };
        await agent.Host.SaveStatusAsync(agent.Status);

        var (kind, text) = ReflectionWriter.Reflect(agent.Assignment.Benchmark, finished, bestBefore);
        if (reflection is { Text.Length: > 0 } written)
            (kind, text) = (JournalEntryKind.Reflection, $"{text} Reflection: {written.Text}");
        if (finished.Status == ExperimentStatus.Pruned)
            text += string.Create(CultureInfo.InvariantCulture, $" Its early stop gave back {refund.CpuSeconds:F0} CPU-s and {refund.GpuSeconds:F0} GPU-s of the reserved budget.");
        await agent.WriteJournalAsync(kind, text, finished.Id);
        await agent.Host.ReportFinishedAsync(finished, agent.Current);
    }

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
