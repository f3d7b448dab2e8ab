using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// Takes in finished experiments: settles their tickets against the campaign budget, counts them, has the leaderboard judge
/// them (new best, confirming, within noise) and records each judgement in the ledger and the journal; a rejected proposal
/// gives its experiment back, a held-out run goes to <see cref="CampaignHoldout"/>.
/// </summary>
public sealed class CampaignResults(CampaignSession s, CampaignHoldout holdout)
{
    public async Task ObserveAsync(ExperimentRecord experiment)
    {
        var key = experiment.Sequence.ToString(CultureInfo.InvariantCulture);
        if (experiment.IsRejectedProposal())
        {
            // Rejected before it ran: its tokens are spent, but it is no experiment; its ticket goes back to the campaign.
            if (!s.Counted.Contains(experiment.Id) && s.Rejected.Add(experiment.Id))
            {
                s.Budget.Settle(key, experiment.Use);
                if (!s.UnrecordedTickets.Remove(experiment.Sequence)) s.Launched--;
            }
            return;
        }
        if (!s.Counted.Add(experiment.Id)) return;
        s.Budget.Settle(key, experiment.Use);
        // A ticket handed out before a re-activation whose row the rebuild did not see: launched after all.
        if (s.UnrecordedTickets.Remove(experiment.Sequence) && !experiment.IsHoldout) s.Launched++;
        if (experiment.IsHoldout)
        {
            await holdout.FinishedAsync(experiment);
            return;
        }
        s.Count(experiment);
        var identicalBefore = s.Board.IdenticalRepeats;
        foreach (var judgement in s.Board.Observe(experiment, s.Clock.GetUtcNow()))
            await RecordAsync(judgement);
        if (!identicalBefore && s.Board.IdenticalRepeats)
            await s.AppendAsync(IdenticalRepeatsNote(), experiment.RepeatOf ?? experiment.Id, JournalEntryKind.Insight);
    }

    /// <summary>The campaign ends: the leaderboard's last judgements (pending confirmations) are recorded.</summary>
    public async Task CloseAsync()
    {
        foreach (var judgement in s.Board.Close(s.Clock.GetUtcNow()))
            await RecordAsync(judgement);
    }

    private async Task RecordAsync(Judgement j)
    {
        var metric = s.Spec.Benchmark.Metric.Name;
        var current = await s.Ledger.GetExperimentAsync(j.Experiment.Id) ?? j.Experiment;
        await s.Ledger.SaveExperimentAsync(current with { Verdict = j.Verdict, Confidence = j.Confidence, Margin = j.Margin });
        if (j.NewBest is { } best)
        {
            await s.Ledger.AppendLeaderboardAsync(best);
            if (j.Verdict != AcceptanceVerdict.Baseline)
            {
                var spread = best.StdDev is { } sd ? $" ± {BudgetText.Format(sd)}" : "";
                var confidence = j.Confidence is { } c ? $", confidence {c:P1}" : "";
                await s.AppendAsync(
                    $"New best {metric}={BudgetText.Format(best.Objective)}{spread} over {best.Runs} run(s) by {best.AgentId} (experiment #{best.Sequence}): {j.Why}{confidence}.",
                    best.ExperimentId, JournalEntryKind.Insight);
                if (s.Holdout.Enabled && s.Spec.Holdout.OnNewBest)
                    await holdout.QueueNewBestAsync(current);
            }
        }
        else if (j.Verdict is AcceptanceVerdict.Confirming or AcceptanceVerdict.WithinNoise)
        {
            await s.AppendAsync($"Experiment #{j.Experiment.Sequence} by {j.Experiment.AgentId}: {j.Why}.", j.Experiment.Id,
                j.Verdict == AcceptanceVerdict.WithinNoise ? JournalEntryKind.DeadEnd : JournalEntryKind.System);
        }
        s.Logger.LogInformation("Experiment {ExperimentId} judged {Verdict} (confidence {Confidence}, margin {Margin})", j.Experiment.Id, j.Verdict, j.Confidence, j.Margin);
    }

    /// <summary>The journal's warning when the baseline's repeats come out identical (told once, when first seen).</summary>
    private string IdenticalRepeatsNote()
    {
        var noise = s.Board.Noise;
        var spec = s.Spec;
        var minimum = noise.MinImprovement.Stated ? $"the stated minimum improvement {noise.MinImprovement}" : $"the default minimum improvement {noise.MinImprovement} (set min_improvement in the campaign file)";
        return $"Identical repeats: {noise.Runs} runs of the same parameters with different seeds gave the same {spec.Benchmark.Metric.Name}. " +
            (spec.Benchmark.FixedSeed is { } seed
                ? $"The campaign pins AR_SEED to {seed} (parameters: seed), so no confidence can be measured; "
                : $"Benchmark {spec.Benchmark.Name} does not draw its randomness from AR_SEED (or is deterministic), so no confidence can be measured; ") +
            $"a new best must beat the best by {minimum}, and no confidence is claimed.";
    }
}
