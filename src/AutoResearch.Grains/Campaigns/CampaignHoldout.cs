using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using AutoResearch.Grains.Agents;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// Held-out re-validation: when the search is over (and, with <c>on_new_best</c>, whenever a new best is accepted) the baseline
/// and the top accepted results are re-run on the benchmark's held-out evaluation (<c>AR_EVAL=holdout</c>, fresh seeds). The
/// runs are tickets of kind <see cref="ExperimentKind.Holdout"/> that the agents run like any other (slots, budgets, ledger);
/// they do not count against <c>max_experiments</c>, and the campaign completes once they are done or cannot run.
/// </summary>
public sealed class CampaignHoldout(CampaignSession s)
{
    private readonly HashSet<string> _journaled = new(StringComparer.Ordinal);
    private bool _planned;
    private bool _woken;
    private string? _blocked;

    /// <summary>Why the search ended, kept from the first time it was seen (the held-out runs come after it).</summary>
    public string? FinishReason { get; set; }

    /// <summary>A held-out run to grant now, a refusal because the budget cannot cover it, or null (nothing held-out to run).</summary>
    public async Task<ExperimentTicket?> TicketAsync(TicketRequest request)
    {
        if (s.State.Spec is null || s.State.State != CampaignState.Running || !s.Holdout.Enabled) return null;
        if (s.Holdout.Queued == 0 && !_planned && s.Running == 0 && s.WhyFinished() is not null)
            await PlanFinalAsync();
        if (s.Holdout.Queued == 0) return null;
        if (s.State.Deadline is { } deadline && s.Clock.GetUtcNow() + s.Spec.Benchmark.TimeLimit > deadline)
        {
            await DropAsync("there is not enough time left before the deadline");
            return null;
        }

        var key = s.NextSequence.ToString(CultureInfo.InvariantCulture);
        if (!s.Budget.TryReserve(key, request.Estimate, out var budgetProblem))
        {
            _blocked = $"the campaign budget cannot cover another run ({budgetProblem})";
            return new ExperimentTicket { Granted = false, Retry = s.Running > 0, Reason = $"campaign budget: {budgetProblem} (held-out re-validation)", MaxSlots = s.Slots };
        }

        var target = s.Holdout.Take()!;
        var sequence = await s.TakeSequenceAsync();
        return new ExperimentTicket
        {
            Granted = true,
            Sequence = sequence,
            Kind = ExperimentKind.Holdout,
            RepeatOf = await s.Ledger.GetExperimentAsync(target.Id) ?? target,
            MaxSlots = s.Slots,
            MustFinishBy = s.State.Deadline,
            Best = s.Board.Best,
            Reserved = request.Estimate,
        };
    }

    /// <summary>Why an agent should keep asking although the search is over (its held-out re-validation is ahead); null when it need not.</summary>
    public string? Ahead()
    {
        if (s.State.Spec is null || !s.Holdout.Enabled) return null;
        if (!_planned) return "held-out re-validation starts when the running experiments finish";
        return s.Holdout.Queued > 0 ? "held-out re-validation runs are queued" : null;
    }

    public async Task FinishedAsync(ExperimentRecord run)
    {
        s.Holdout.Observe(run);
        s.HoldoutSummary = HoldoutSummaries.From(await s.Ledger.GetExperimentsAsync(s.CampaignId), s.Spec.Benchmark.Metric);
        // One line per re-validated result once its verdict is in (a result waits for the baseline's held-out runs too).
        var rows = new[] { s.HoldoutSummary.Baseline }.Concat(s.HoldoutSummary.Results.OrderBy(r => r.Sequence));
        foreach (var done in rows.OfType<HoldoutResult>().Where(r => r.Verdict != HoldoutVerdict.Pending && r.HeldOutUnfinished == 0))
        {
            if (!_journaled.Add(done.ExperimentId)) continue;
            await s.AppendAsync(HoldoutJournal.ResultLine(done, s.HoldoutSummary, s.Spec.Benchmark.Metric), done.ExperimentId,
                done.DidNotHoldUp ? JournalEntryKind.DeadEnd : JournalEntryKind.Insight);
        }
    }

    /// <summary>With <c>on_new_best</c>: the new best (and the baseline, once) get their held-out runs before further proposals.</summary>
    public async Task QueueNewBestAsync(ExperimentRecord best)
    {
        var experiments = await s.Ledger.GetExperimentsAsync(s.CampaignId);
        var added = new List<ExperimentRecord>();
        if (experiments.FirstOrDefault(e => e.Kind == ExperimentKind.Baseline && e.HasUsableObjective) is { } baseline && s.Holdout.Add(baseline))
            added.Add(baseline);
        if (s.Holdout.Add(best)) added.Add(best);
        if (added.Count > 0)
            await s.AppendAsync(HoldoutJournal.QueuedLine(added, s.Holdout.Repeats, atEnd: false), best.Id);
    }

    /// <summary>Queues the end-of-campaign re-validation (the baseline and the top-k accepted results) and wakes the agents to run it.</summary>
    private async Task PlanFinalAsync()
    {
        _planned = true;
        var experiments = await s.Ledger.GetExperimentsAsync(s.CampaignId);
        var targets = HoldoutRevalidation.FinalTargets(experiments, s.Board.History, s.Spec.Benchmark.Metric, s.Spec.Holdout.TopK);
        var added = targets.Where(s.Holdout.Add).ToList();
        if (added.Count == 0)
        {
            if (targets.Count == 0)
                await s.AppendAsync("Held-out re-validation: nothing to re-validate (no baseline result and no accepted result).");
            return;
        }
        var text = HoldoutJournal.QueuedLine(added, s.Holdout.Repeats, atEnd: true);
        var worstCase = ResourceUse.WorstCaseRun(s.Spec.Benchmark, AgentSession.KillGrace);
        var all = Enumerable.Repeat(worstCase, s.Holdout.Queued).Aggregate(ResourceUse.Zero, (a, b) => a + b);
        if (BudgetAccount.WhyNotFits(s.EffectiveBudget, s.Budget.Used, s.Budget.Reserved, all) is { } why)
            text += $" The campaign budget may not cover all {s.Holdout.Queued} runs at their worst case ({why}); they are charged as they run and the re-validation stops where the budget ends.";
        await s.AppendAsync(text);
        s.Logger.LogInformation("Campaign {CampaignId}: held-out re-validation of {Count} results queued ({Runs} runs)", s.CampaignId, added.Count, s.Holdout.Queued);
    }

    /// <summary>
    /// Called when the search is over and nothing runs: true while held-out runs remain that someone can run (the campaign stays
    /// open); false when there are none, or they cannot run (deadline, budget, no agent left), which the journal then says.
    /// </summary>
    public async Task<bool> KeepsCampaignOpenAsync(bool agentsDone)
    {
        if (!s.Holdout.Enabled) return false;
        if (!_planned) await PlanFinalAsync();
        if (s.Holdout.Queued == 0) return false;
        if (s.State.Deadline is { } deadline && s.Clock.GetUtcNow() + s.Spec.Benchmark.TimeLimit > deadline)
        {
            await DropAsync("there is not enough time left before the deadline");
            return false;
        }
        if (s.State.State == CampaignState.Paused) return true;
        if (!agentsDone) return true;
        if (!_woken)
        {
            // Agents that finished their search run the held-out runs: start their loops again.
            _woken = true;
            foreach (var agent in s.Spec.Agents)
            {
                if (s.State.Agents.GetValueOrDefault(agent.Id) is { State: AgentState.Done } done)
                    s.State.Agents[agent.Id] = done with { State = AgentState.Running, Activity = "held-out re-validation" };
            }
            await s.Host.SaveStateAsync();
            await s.Host.StartAgentsAsync();
            return true;
        }
        await DropAsync(_blocked ?? "no agent could run them (every agent has finished, e.g. its own budget is spent)");
        return false;
    }

    private async Task DropAsync(string why)
    {
        var dropped = s.Holdout.DropQueued();
        if (dropped == 0) return;
        await s.AppendAsync(
            $"Held-out re-validation incomplete: {dropped} held-out run(s) were not run because {why}. Results without held-out runs are shown as not re-validated.");
        s.Logger.LogWarning("Campaign {CampaignId}: {Dropped} held-out runs dropped: {Why}", s.CampaignId, dropped, why);
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
            HoldoutVerdict.HeldUp => $"held up: better than{reference}{ConfidenceText(r)}.",
            HoldoutVerdict.WithinNoise => $"better than{reference}, but within the held-out runs' noise{ConfidenceText(r)}: not shown to hold up (more held-out runs could tell).",
            HoldoutVerdict.DidNotHoldUp => $"DID NOT HOLD UP: not better than{reference}; its in-sample gain looks like a lucky split or seed.",
            HoldoutVerdict.NoScore => "no held-out score (its held-out runs failed).",
            HoldoutVerdict.NoReference => "cannot be compared: the baseline has no held-out score.",
            _ => "waiting for the baseline's held-out runs.",
        };
        return $"Held-out {metric.Name} of {who}: {scores}; {verdict}";
    }

    private static string ConfidenceText(HoldoutResult r) =>
        r.Confidence is { } c ? $" ({(c * 100).ToString("0.#", CultureInfo.InvariantCulture)} % confidence)" : "";

    /// <summary>" Held-out: …" for the campaign's closing line; empty when nothing was re-validated.</summary>
    public static string FinalLine(HoldoutSummary summary, MetricSpec metric)
    {
        if (summary.IsEmpty) return "";
        var ranked = string.Join(", ", summary.Results.Select(r =>
            $"#{r.Sequence} {Format(r.HeldOut)}{(r.DidNotHoldUp ? " (did not hold up)" : r.Verdict == HoldoutVerdict.HeldUp ? "" : r.Verdict == HoldoutVerdict.WithinNoise ? " (within noise)" : $" ({r.Verdict})")}"));
        var answer = summary.FinalAnswer is { } f
            ? $"final answer (ranked by held-out): #{f.Sequence}, held-out {metric.Name} {Format(f.HeldOut)} vs in-sample {Format(f.InSample)}" +
              (f.Verdict == HoldoutVerdict.WithinNoise ? " (better than the baseline on held-out only within noise)" : "")
            : "no re-validated result beat the baseline on held-out: keep the baseline";
        return $" Held-out: baseline {Format(summary.Baseline?.HeldOut)}; {ranked}; {answer}.";
    }

    private static string Format(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "n/a";
}
