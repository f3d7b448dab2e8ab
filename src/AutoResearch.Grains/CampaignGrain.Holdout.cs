using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains;

/// <summary>
/// Held-out re-validation: when the search is over (and, with <c>on_new_best</c>, whenever a new best is accepted) the baseline
/// and the top accepted results are re-run on the benchmark's held-out evaluation (<c>AR_EVAL=holdout</c>, fresh seeds). The
/// runs are tickets of kind <see cref="ExperimentKind.Holdout"/> that the agents run like any other (slots, budgets, ledger);
/// they do not count against <c>max_experiments</c>, and the campaign completes once they are done or cannot run.
/// </summary>
public sealed partial class CampaignGrain
{
    private readonly HashSet<string> _holdoutJournaled = new(StringComparer.Ordinal);

    /// <summary>A held-out run to grant now, a refusal because the budget cannot cover it, or null (nothing held-out to run).</summary>
    private async Task<ExperimentTicket?> HoldoutTicketAsync(TicketRequest request)
    {
        if (state.State.Spec is null || state.State.State != CampaignState.Running || !Holdout.Enabled) return null;
        if (Holdout.Queued == 0 && !_holdoutPlanned && Running == 0 && WhyFinished() is not null)
            await PlanFinalHoldoutAsync();
        if (Holdout.Queued == 0) return null;
        if (state.State.Deadline is { } deadline && clock.GetUtcNow() + Spec.Benchmark.TimeLimit > deadline)
        {
            await DropHoldoutAsync("there is not enough time left before the deadline");
            return null;
        }

        var key = _nextSequence.ToString(CultureInfo.InvariantCulture);
        if (!Budget.TryReserve(key, request.Estimate, out var budgetProblem))
        {
            _holdoutBlocked = $"the campaign budget cannot cover another run ({budgetProblem})";
            return new ExperimentTicket { Granted = false, Retry = Running > 0, Reason = $"campaign budget: {budgetProblem} (held-out re-validation)", MaxSlots = Slots };
        }

        var target = Holdout.Take()!;
        var sequence = await TakeSequenceAsync();
        return new ExperimentTicket
        {
            Granted = true,
            Sequence = sequence,
            Kind = ExperimentKind.Holdout,
            RepeatOf = await ledger.GetExperimentAsync(target.Id) ?? target,
            MaxSlots = Slots,
            MustFinishBy = state.State.Deadline,
            Best = Board.Best,
            Reserved = request.Estimate,
        };
    }

    /// <summary>Why an agent should keep asking although the search is over (its held-out re-validation is ahead); null when it need not.</summary>
    private string? HoldoutAhead()
    {
        if (state.State.Spec is null || !Holdout.Enabled) return null;
        if (!_holdoutPlanned) return "held-out re-validation starts when the running experiments finish";
        return Holdout.Queued > 0 ? "held-out re-validation runs are queued" : null;
    }

    private async Task HoldoutFinishedAsync(ExperimentRecord run)
    {
        Holdout.Observe(run);
        _holdoutSummary = HoldoutSummary.From(await ledger.GetExperimentsAsync(CampaignId), Spec.Benchmark.Metric);
        // One line per re-validated result once its verdict is in (a result waits for the baseline's held-out runs too).
        var rows = new[] { _holdoutSummary.Baseline }.Concat(_holdoutSummary.Results.OrderBy(r => r.Sequence));
        foreach (var done in rows.OfType<HoldoutResult>().Where(r => r.Verdict != HoldoutVerdict.Pending && r.HeldOutUnfinished == 0))
        {
            if (!_holdoutJournaled.Add(done.ExperimentId)) continue;
            await journal.AppendAsync(SystemEntry(HoldoutJournal.ResultLine(done, _holdoutSummary, Spec.Benchmark.Metric), done.ExperimentId,
                done.DidNotHoldUp ? JournalEntryKind.DeadEnd : JournalEntryKind.Insight));
        }
    }

    /// <summary>With <c>on_new_best</c>: the new best (and the baseline, once) get their held-out runs before further proposals.</summary>
    private async Task QueueHoldoutOfNewBestAsync(ExperimentRecord best)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId);
        var added = new List<ExperimentRecord>();
        if (experiments.FirstOrDefault(e => e.Kind == ExperimentKind.Baseline && e.HasUsableObjective) is { } baseline && Holdout.Add(baseline))
            added.Add(baseline);
        if (Holdout.Add(best)) added.Add(best);
        if (added.Count > 0)
            await journal.AppendAsync(SystemEntry(HoldoutJournal.QueuedLine(added, Holdout.Repeats, atEnd: false), best.Id));
    }

    /// <summary>Queues the end-of-campaign re-validation (the baseline and the top-k accepted results) and wakes the agents to run it.</summary>
    private async Task PlanFinalHoldoutAsync()
    {
        _holdoutPlanned = true;
        var experiments = await ledger.GetExperimentsAsync(CampaignId);
        var targets = HoldoutRevalidation.FinalTargets(experiments, Board.History, Spec.Benchmark.Metric, Spec.Holdout.TopK);
        var added = targets.Where(Holdout.Add).ToList();
        if (added.Count == 0)
        {
            if (targets.Count == 0)
                await journal.AppendAsync(SystemEntry("Held-out re-validation: nothing to re-validate (no baseline result and no accepted result)."));
            return;
        }
        var text = HoldoutJournal.QueuedLine(added, Holdout.Repeats, atEnd: true);
        var worstCase = ResourceUse.WorstCaseRun(Spec.Benchmark, Agents.AgentSession.KillGrace);
        var all = Enumerable.Repeat(worstCase, Holdout.Queued).Aggregate(ResourceUse.Zero, (a, b) => a + b);
        if (BudgetAccount.WhyNotFits(EffectiveBudget, Budget.Used, Budget.Reserved, all) is { } why)
            text += $" The campaign budget may not cover all {Holdout.Queued} runs at their worst case ({why}); they are charged as they run and the re-validation stops where the budget ends.";
        await journal.AppendAsync(SystemEntry(text));
        logger.LogInformation("Campaign {CampaignId}: held-out re-validation of {Count} results queued ({Runs} runs)", CampaignId, added.Count, Holdout.Queued);
    }

    /// <summary>
    /// Called when the search is over and nothing runs: true while held-out runs remain that someone can run (the campaign stays
    /// open); false when there are none, or they cannot run (deadline, budget, no agent left), which the journal then says.
    /// </summary>
    private async Task<bool> HoldoutKeepsCampaignOpenAsync(bool agentsDone)
    {
        if (!Holdout.Enabled) return false;
        if (!_holdoutPlanned) await PlanFinalHoldoutAsync();
        if (Holdout.Queued == 0) return false;
        if (state.State.Deadline is { } deadline && clock.GetUtcNow() + Spec.Benchmark.TimeLimit > deadline)
        {
            await DropHoldoutAsync("there is not enough time left before the deadline");
            return false;
        }
        if (state.State.State == CampaignState.Paused) return true;
        if (!agentsDone) return true;
        if (!_holdoutWoken)
        {
            // Agents that finished their search run the held-out runs: start their loops again.
            _holdoutWoken = true;
            foreach (var agent in Spec.Agents)
            {
                if (state.State.Agents.GetValueOrDefault(agent.Id) is { State: AgentState.Done } done)
                    state.State.Agents[agent.Id] = done with { State = AgentState.Running, Activity = "held-out re-validation" };
            }
            await state.WriteStateAsync();
            await StartAgentsAsync();
            return true;
        }
        await DropHoldoutAsync(_holdoutBlocked ?? "no agent could run them (every agent has finished, e.g. its own budget is spent)");
        return false;
    }

    private async Task DropHoldoutAsync(string why)
    {
        var dropped = Holdout.DropQueued();
        if (dropped == 0) return;
        await journal.AppendAsync(SystemEntry(
            $"Held-out re-validation incomplete: {dropped} held-out run(s) were not run because {why}. Results without held-out runs are shown as not re-validated."));
        logger.LogWarning("Campaign {CampaignId}: {Dropped} held-out runs dropped: {Why}", CampaignId, dropped, why);
    }
}

/// <summary>The journal's sentences about held-out re-validation (built from typed results; nothing reads them back).</summary>
internal static class HoldoutJournal
{
    public static string QueuedLine(IReadOnlyList<ExperimentRecord> targets, int repeats, bool atEnd)
    {
        var names = string.Join(", ", targets.Select(t => t.Kind == ExperimentKind.Baseline || t.IsBaseline ? "the baseline" : $"#{t.Sequence}"));
        return (atEnd ? "Held-out re-validation: the search is over; re-running " : "Held-out re-validation of the new best: re-running ") +
               $"{names} on the benchmark's held-out evaluation ({repeats} run(s) each, fresh seeds, AR_EVAL=holdout). " +
               "The final answer is ranked by the held-out score.";
    }

    public static string ResultLine(HoldoutResult r, HoldoutSummary summary, MetricSpec metric)
    {
        var who = r.IsBaseline ? "the baseline" : $"#{r.Sequence}";
        var scores = $"in-sample {Format(r.InSample)} ({r.InSampleRuns} run(s)) vs held-out {Format(r.HeldOut)} ({r.HeldOutRuns} run(s){(r.HeldOutFailed > 0 ? $", {r.HeldOutFailed} failed" : "")})";
        var reference = summary.Baseline?.HeldOut is { } b ? $" the baseline's held-out {Format(b)}" : " the baseline's held-out score";
        var verdict = r.Verdict switch
        {
            HoldoutVerdict.Baseline => "the reference for the others.",
            HoldoutVerdict.HeldUp => $"held up: better than{reference}.",
            HoldoutVerdict.DidNotHoldUp => $"DID NOT HOLD UP: not better than{reference}; its in-sample gain looks like a lucky split or seed.",
            HoldoutVerdict.NoScore => "no held-out score (its held-out runs failed).",
            HoldoutVerdict.NoReference => "cannot be compared: the baseline has no held-out score.",
            _ => "waiting for the baseline's held-out runs.",
        };
        return $"Held-out {metric.Name} of {who}: {scores}; {verdict}";
    }

    /// <summary>" Held-out: …" for the campaign's closing line; empty when nothing was re-validated.</summary>
    public static string FinalLine(HoldoutSummary summary, MetricSpec metric)
    {
        if (summary.IsEmpty) return "";
        var ranked = string.Join(", ", summary.Results.Select(r =>
            $"#{r.Sequence} {Format(r.HeldOut)}{(r.DidNotHoldUp ? " (did not hold up)" : r.Verdict == HoldoutVerdict.HeldUp ? "" : $" ({r.Verdict})")}"));
        var answer = summary.FinalAnswer is { } f
            ? $"final answer (ranked by held-out): #{f.Sequence}, held-out {metric.Name} {Format(f.HeldOut)} vs in-sample {Format(f.InSample)}"
            : "no re-validated result beat the baseline on held-out: keep the baseline";
        return $" Held-out: baseline {Format(summary.Baseline?.HeldOut)}; {ranked}; {answer}.";
    }

    private static string Format(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "n/a";
}
