using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Agents;

/// <summary>
/// An agent's research loop, outside Orleans. After rebuilding its counters and budget from the ledger and re-running what a
/// crashed host left unfinished, each of its workers loops: reserve the worst case against the agent's budget → ticket from
/// the campaign (which reserves against the campaign budget) → <see cref="ExperimentPipeline"/> — until the campaign, the
/// budget, its rejected proposals or a person says stop (<see cref="AgentSession.Stop"/>).
/// </summary>
public sealed class AgentWorkLoop(AgentSession agent)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly ExperimentPipeline _pipeline = new(agent);

    /// <summary>Runs the loop until every worker has stopped; throws when it failed (the caller records why).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        agent.Proposer = agent.Proposers.Create(agent.Spec);
        agent.Status = agent.WithTokenPlan(agent.Current);
        await RebuildAsync(cancellationToken);
        // Slots an earlier activation of this agent held (its silo died) are given back before its experiments are re-run.
        await agent.Host.ReleaseStaleSlotsAsync(cancellationToken);
        await _pipeline.RecoverInterruptedAsync(cancellationToken);
        var workers = new List<Task>();
        while (true)
        {
            // More slots given while it runs (a person's change of the campaign's limits): more workers join at once.
            while (workers.Count < Math.Max(1, agent.Assignment.Workers) && !agent.Host.StopRequested && agent.Stop is null)
                workers.Add(WorkAsync(cancellationToken));
            var all = Task.WhenAll(workers);
            if (cancellationToken.IsCancellationRequested || await Task.WhenAny(all, Task.Delay(WorkerCheck, cancellationToken)) == all)
            {
                await all;
                return;
            }
        }
    }

    /// <summary>How often the loop looks whether its share of workers grew.</summary>
    private static readonly TimeSpan WorkerCheck = TimeSpan.FromSeconds(1);

    /// <summary>One worker: experiments one after another until the campaign, the budget or a person says stop.</summary>
    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            agent.Host.KeepAlive();
            if (agent.Host.StopRequested || agent.Stop is not null) return;
            if (agent.Host.Paused)
            {
                agent.SetActivity("paused");
                await agent.WakeUp.WaitAsync(AgentSession.PausedFallback, cancellationToken);
                continue;
            }

            // The lab's quota over all its campaigns, from the ledger's recorded use: used up, the agent stops like at its budget.
            if (await LabQuotaSpentAsync(cancellationToken) is { } quotaProblem)
            {
                await QuotaSpentAsync(quotaProblem);
                return;
            }

            var key = Guid.NewGuid().ToString("N");
            var budget = agent.Budget!;
            if (!budget.TryReserve(key, agent.WorstCase, out var budgetProblem))
            {
                if (budget.Reserved != ResourceUse.Zero)
                {
                    // Other experiments of this agent are running; what they do not use comes back.
                    agent.SetActivity("waiting: budget held by running experiments");
                    await agent.WakeUp.WaitAsync(AgentSession.RetryFallback, cancellationToken);
                    continue;
                }
                await BudgetSpentAsync(budgetProblem!);
                return;
            }

            agent.SetActivity("asking for a ticket");
            var ticket = await agent.Host.RequestTicketAsync(new TicketRequest { AgentId = agent.Spec.Id, Estimate = agent.WorstCase }, cancellationToken);
            if (!ticket.Granted)
            {
                budget.Cancel(key);
                if (ticket.Retry)
                {
                    agent.SetActivity($"waiting: {ticket.Reason}");
                    await agent.WakeUp.WaitAsync(AgentSession.RetryFallback, cancellationToken);
                    continue;
                }
                agent.Stop ??= (AgentStopReason.CampaignFinished, ticket.Reason ?? "no more experiments");
                return;
            }

            agent.InFlight++;
            var rejectedBefore = agent.Current.Rejections;
            try
            {
                await _pipeline.RunTicketAsync(ticket, key, cancellationToken);
            }
            finally
            {
                agent.InFlight--;
            }
            await StopWhenRejectionsRunAwayAsync();
            // A rejected proposal gave its experiment back: let the agents waiting for one ask before this worker asks again.
            if (agent.Current.Rejections > rejectedBefore)
                await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    /// <summary>
    /// Rejected proposals cost no experiment, so an agent whose every proposal is rejected would never finish: a built-in
    /// optimizer stops at its allowance, a model agent (whose fallback proposes once its allowance is used up) at twice it.
    /// </summary>
    private async Task StopWhenRejectionsRunAwayAsync()
    {
        if (agent.Current.Rejections == 0 || agent.Stop is not null) return;
        var allowance = await agent.RejectionAllowanceAsync();
        var limit = agent.Spec.Proposer == AgentSpec.ModelProposer ? 2 * allowance : allowance;
        var rejections = agent.Current.Rejections;
        if (rejections < limit) return;
        agent.Stop ??= (AgentStopReason.TooManyRejections, $"{rejections} proposals rejected before running (limit {limit})");
        await agent.WriteJournalAsync(JournalEntryKind.System,
            $"Stopping: {rejections} of my proposals were rejected before running, the most this campaign allows me ({limit}); the other agents go on.", null);
    }

    /// <summary>Why the lab's quota lets no new experiment start (<see cref="LabQuotaRules.Exhausted"/>); null when there is none or some is left.</summary>
    private async Task<string?> LabQuotaSpentAsync(CancellationToken cancellationToken)
    {
        var quota = await agent.Ledger.GetLabQuotaAsync(LabQuota.DefaultLab, cancellationToken);
        if (quota.Limits.IsUnlimited) return null;
        return LabQuotaRules.Exhausted(quota.Limits, await agent.Ledger.GetLabUsageAsync(cancellationToken));
    }

    private async Task QuotaSpentAsync(string problem)
    {
        agent.Stop ??= (AgentStopReason.QuotaSpent, problem);
        if (agent.BudgetNoticeWritten) return;
        agent.BudgetNoticeWritten = true;
        await agent.WriteJournalAsync(JournalEntryKind.System,
            $"Stopping: {problem}. An admin can raise the lab's quota (console Settings → Quota, or 'autoresearch quota set').", null);
    }

    private async Task BudgetSpentAsync(string problem)
    {
        agent.Stop ??= (AgentStopReason.BudgetSpent, problem);
        if (agent.BudgetNoticeWritten) return;
        agent.BudgetNoticeWritten = true;
        await agent.WriteJournalAsync(JournalEntryKind.System,
            $"Stopping: my budget cannot cover another run ({problem}); the worst case of one run is {BudgetText.Describe(agent.WorstCase)}. " +
            "Raise my budget to let me continue.", null);
    }

    /// <summary>The agent's counters, budget use and best, rebuilt from the ledger (a restart loses nothing).</summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var id = agent.Spec.Id;
        var all = await agent.Ledger.GetExperimentsAsync(agent.CampaignId, cancellationToken);
        var finishedOfMine = all.Where(e => e.AgentId == id && e.IsFinished).ToList();
        var mine = finishedOfMine.Where(e => !e.IsRejectedProposal()).ToList();
        agent.Proposals = all.Count(e => e.AgentId == id && e.Kind == ExperimentKind.Proposal);
        var calls = await agent.Ledger.GetModelCallsAsync(agent.CampaignId, cancellationToken);
        // Calls of experiments still unfinished are charged when those are recovered and settled (their record carries them).
        var unfinished = all.Where(e => e.AgentId == id && !e.IsFinished).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var used = finishedOfMine.Aggregate(ResourceUse.Zero, (u, e) => u + e.Use with { Tokens = 0 })
                   + new ResourceUse { Tokens = calls.Where(c => c.AgentId == id && (c.ExperimentId is null || !unfinished.Contains(c.ExperimentId))).Sum(c => c.TotalTokens) };
        var budget = agent.Host.Budget;
        agent.Budget = new BudgetAccount(budget, used);
        agent.Status = agent.Current with
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
            Best = agent.Assignment.Benchmark.Metric.BestOf(mine)?.Objective,
        };
    }
}
