using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Reports;

/// <summary>Builds the <see cref="CampaignSummary"/> the CLI prints at the end of a campaign.</summary>
public static class CampaignSummaryBuilder
{
    /// <summary>
    /// The summary with the ledger's facts: its experiments (counts, baseline, pruned, utilization) and its leaderboard (the
    /// accepted best, its confidence and runs, the noise); budgets and use per agent come from <paramref name="status"/>.
    /// </summary>
    public static async Task<CampaignSummary> BuildAsync(
        ILedger ledger, CampaignStatus status, ReportFiles? report, int slots, DateTimeOffset? now = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(status);
        var experiments = await ledger.GetExperimentDigestsAsync(status.Id, cancellationToken).ConfigureAwait(false);
        var leaderboard = await ledger.GetLeaderboardAsync(status.Id, cancellationToken).ConfigureAwait(false);
        var calls = await ledger.GetModelCallsAsync(status.Id, cancellationToken).ConfigureAwait(false);
        var controls = await ledger.GetControlsAsync(status.Id, cancellationToken).ConfigureAwait(false);
        var campaign = await ledger.GetCampaignAsync(status.Id, cancellationToken).ConfigureAwait(false);
        var facts = campaign is null
            ? null
            : AutoResearch.Evaluation.CampaignFacts.Build(status.Id, campaign.Spec, status.State, experiments, leaderboard, calls, controls, status.Slots);
        return Build(status, experiments, report, slots, now, leaderboard, calls, facts);
    }

    /// <param name="status">The campaign's state (agents, budgets in force and use, direction, window).</param>
    /// <param name="experiments">The ledger's experiments of the campaign; counts, baseline and best come from them (from <paramref name="status"/> when empty).</param>
    /// <param name="report">The written report, if any.</param>
    /// <param name="slots">Sandbox slots the campaign could use.</param>
    /// <param name="now">End of the window while the campaign has not ended; defaults to the current time.</param>
    /// <param name="leaderboard">
    /// The ledger's accepted bests. When it has entries, <c>best</c> is the last one's current mean (its run and every repeat of it
    /// in <paramref name="experiments"/>, as the campaign computes it), with its confidence and runs, and the noise is pooled from
    /// the repeat groups in <paramref name="experiments"/>. When null or empty, <paramref name="status"/>'s best is used, else the
    /// best single run (campaigns from before the leaderboard).
    /// </param>
    public static CampaignSummary Build(
        CampaignStatus status,
        IReadOnlyList<ExperimentRecord> experiments,
        ReportFiles? report,
        int slots,
        DateTimeOffset? now = null,
        IReadOnlyList<LeaderboardEntry>? leaderboard = null,
        IReadOnlyList<ModelCallRecord>? modelCalls = null,
        AutoResearch.Evaluation.CampaignFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(experiments);
        // The one projection of the campaign's facts (best, baseline, agents, budgets in force) every view reads.
        // A status read from the ledger carries them already (its Running count is set); a live one from the grains gets them here.
        if (facts is not null && status.Running is null) status = status.WithFacts(facts, live: true);
        var metric = new MetricSpec { Name = status.MetricName, Direction = status.Direction };
        // Held-out runs are reported apart (holdout); the counts are the search's experiments.
        var holdout = experiments.Count > 0 ? HoldoutSummaries.From(experiments, metric) : status.Holdout;
        var all = experiments;
        // Proposals rejected before they ran are no experiments: each agent shows how many it had (rejections).
        var rejections = all.Where(e => e.IsRejectedProposal()).GroupBy(e => e.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        experiments = experiments.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList();
        var usable = experiments.Where(CampaignReportBuilder.IsUsableSuccess).OrderBy(e => e.Sequence).ToList();

        // The baseline is the mean of its runs, the value the best is compared with (the best is a mean of runs too).
        var baselineRunValues = usable.FirstOrDefault(e => e.IsBaselineRun) is { } b ? RunStatistics.RunsOf(b.Id, usable) : [];
        double? baseline = facts is not null ? facts.Baseline?.Mean : baselineRunValues.Count > 0 ? baselineRunValues.Average() : null;
        var baselineRuns = facts is not null ? facts.Baseline?.Runs ?? 0 : baselineRunValues.Count;
        double? best;
        double? bestConfidence;
        int bestRuns;
        double? noise;
        if (facts is not null)
        {
            best = facts.Best?.Value;
            bestRuns = facts.Best?.Runs ?? 0;
            bestConfidence = facts.Best?.Confidence;
            noise = facts.Noise.StdDev ?? status.NoiseStdDev;
        }
        else if (leaderboard is { Count: > 0 })
        {
            var accepted = leaderboard[^1];
            var runs = RunStatistics.RunsOf(accepted.ExperimentId, usable);
            best = runs.Count > 0 ? runs.Average() : accepted.Objective;
            bestRuns = runs.Count > 0 ? runs.Count : accepted.Runs;
            bestConfidence = accepted.Confidence;
            noise = AutoResearch.Evaluation.NoiseSummaries.Estimate(usable)?.StdDev ?? status.NoiseStdDev;
        }
        else
        {
            var single = metric.BestOf(usable)?.Objective;
            // The campaign's accepted best (noise-aware) when it has one; else the best single run in the ledger.
            best = status.BestExperimentId is not null ? status.Best : single ?? status.Best;
            bestConfidence = status.BestExperimentId is not null ? status.BestConfidence : null;
            bestRuns = status.BestExperimentId is not null ? status.BestRuns : single is null ? 0 : 1;
            noise = status.NoiseStdDev;
        }

        var fromLedger = experiments.Count > 0;
        var bestId = facts?.Best?.ExperimentId ?? (leaderboard is { Count: > 0 } ? leaderboard[^1].ExperimentId : status.BestExperimentId);
        var bestHeldOut = holdout.For(bestId) is { IsBaseline: false } r ? r : null;
        var noiseSummary = facts?.Noise ?? (fromLedger
            ? AutoResearch.Evaluation.NoiseSummaries.FromLedger(experiments, new NoiseSpec { MinImprovement = status.Noise.MinImprovement })
            : status.Noise);
        var acceptedBy = facts is not null ? facts.Best?.AcceptedBy : leaderboard is { Count: > 0 } ? leaderboard[^1].Reason : null;
        var cost = AutoResearch.Evaluation.CostPerGain.From(status.Agents.Select(a => a.Id).ToList(), all, leaderboard ?? [], modelCalls ?? [], status.Direction);
        var tokensUsed = status.Agents.Sum(a => a.TokensUsed);
        var agentExperiments = experiments.GroupBy(e => e.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new CampaignSummary
        {
            Campaign = status.Id,
            Experiments = fromLedger ? experiments.Count : status.Launched,
            Succeeded = fromLedger ? experiments.Count(e => e.Status == ExperimentStatus.Succeeded) : status.Succeeded,
            Failed = fromLedger ? experiments.Count(e => e.Status == ExperimentStatus.Failed) : status.Failed,
            Direction = status.Direction == Direction.Minimize ? "minimize" : "maximize",
            Pruned = fromLedger ? experiments.Count(e => e.Status == ExperimentStatus.Pruned) : status.Pruned,
            Baseline = Finite(baseline ?? status.Baseline),
            BaselineRuns = baseline is null ? status.BaselineRuns : baselineRuns,
            Best = Finite(best),
            BestConfidence = bestConfidence,
            BestRuns = bestRuns,
            NoiseStdDev = Finite(noise),
            NoiseIdenticalRepeats = noiseSummary.IdenticalRepeats,
            AcceptanceRule = noiseSummary.UsesMinimumImprovement ? "minimum_improvement" : "confidence",
            MinImprovement = new CampaignSummaryMinImprovement
            {
                Value = noiseSummary.MinImprovement.Value,
                Relative = noiseSummary.MinImprovement.Relative,
                Stated = noiseSummary.MinImprovement.Stated,
            },
            BestAcceptedBy = acceptedBy switch
            {
                AcceptanceReason.Reference => "reference",
                AcceptanceReason.Confidence => "confidence",
                AcceptanceReason.MinimumImprovement => "minimum_improvement",
                AcceptanceReason.BetterMean => "better_mean",
                _ => null,
            },
            Report = report?.Markdown,
            ReportHtml = report?.Html,
            Agents = status.Agents.Select(a => new CampaignSummaryAgent
            {
                Id = a.Id,
                Role = a.Role,
                Model = a.Model,
                ModelProblem = a.ModelProblem,
                State = a.State.ToString().ToLowerInvariant(),
                Activity = a.Activity,
                NewBests = facts?.Agent(a.Id)?.NewBests,
                // With the facts, the agent's counts are the facts' (the status read beside them carries them); else from the rows.
                Rejections = facts?.Agent(a.Id)?.Rejections ?? (experiments.Count > 0 || rejections.Count > 0 ? rejections.GetValueOrDefault(a.Id) : a.Rejections),
                MaxRejections = a.MaxRejections,
                Experiments = facts?.Agent(a.Id)?.Experiments ?? (fromLedger ? agentExperiments.GetValueOrDefault(a.Id) : a.Experiments),
                TokensUsed = a.TokensUsed,
                TokenBudget = a.TokenBudget,
                GpuSecondsUsed = a.GpuSecondsUsed,
                GpuBudgetSeconds = a.GpuBudgetSeconds,
                CpuSecondsUsed = a.CpuSecondsUsed,
                CpuBudgetSeconds = a.CpuBudgetSeconds,
                Pruned = facts?.Agent(a.Id)?.Pruned ?? (fromLedger ? experiments.Count(e => e.AgentId == a.Id && e.Status == ExperimentStatus.Pruned) : a.Pruned),
                Budget = CampaignSummaryResources.From(a.Budget),
                Used = CampaignSummaryResources.From(a.Used),
                WithinBudget = a.Budget.WhyNotFits(a.Used, ResourceUse.Zero) is null,
                TokensRemaining = a.TokensRemaining,
                TokensReservedPerExperiment = a.TokensPerExperiment,
                TokenPlan = a.TokenPlan,
                TokensPerExperimentMax = all.Where(e => e.AgentId == a.Id).Select(e => e.Tokens).DefaultIfEmpty(0).Max(),
                AllocationShare = status.AllocationShares.TryGetValue(a.Id, out var share) ? share : null,
            }).ToList(),
            TokenBudget = status.Budget.Tokens,
            TokensUsed = tokensUsed,
            TokensRemaining = status.Budget.Tokens > 0 ? Math.Max(0, status.Budget.Tokens - tokensUsed - status.Reserved.Tokens) : null,
            CostPerGain = cost.Agents.Count == 0 ? null : new CampaignSummaryCostPerGain
            {
                Unit = cost.Relative ? "percent_of_baseline" : "objective",
                Verdict = cost.Verdict(),
                Agents = cost.Agents.Select(CampaignSummaryGainCost.From).ToList(),
                Models = cost.Models.Select(CampaignSummaryGainCost.From).ToList(),
            },
            ModelRejections = cost.Rejections.Select(r => new CampaignSummaryRejections
            {
                Model = r.Model,
                Proposals = r.Proposals,
                Rejected = r.Rejected,
                RejectionRate = Math.Round(r.Rate, 4),
            }).ToList(),
            Utilization = Utilization(status.StartedAt, status.EndedAt ?? now ?? DateTimeOffset.UtcNow, all, slots),
            AwaitingApproval = status.AwaitingApproval,
            AwaitingApprovalSince = status.AwaitingApprovalSince,
            BestHeldOut = Finite(bestHeldOut?.HeldOut),
            BestHeldUp = bestHeldOut is { Verdict: HoldoutVerdict.HeldUp or HoldoutVerdict.DidNotHoldUp or HoldoutVerdict.WithinNoise } h ? h.Verdict == HoldoutVerdict.HeldUp : null,
            Holdout = CampaignSummaryHoldout.From(holdout),
        };
    }

    /// <summary>
    /// Sum over experiments of the time they held a sandbox slot, clipped to [<paramref name="start"/>, <paramref name="end"/>],
    /// divided by <paramref name="slots"/> × the window; 0 when undefined. An experiment holds its slot from the fleet's grant
    /// (<see cref="ExperimentRecord.SlotStartedAt"/>) until its result is recorded (<see cref="ExperimentRecord.SlotEndedAt"/>):
    /// container creation, the run itself and clean-up. Records without slot times (older ledgers) count their container run
    /// time (<see cref="ExperimentRecord.StartedAt"/> to <see cref="ExperimentRecord.EndedAt"/>) instead. A run still going at
    /// <paramref name="end"/> counts up to it; a finished run without an end time counts nothing.
    /// </summary>
    public static double Utilization(DateTimeOffset? start, DateTimeOffset end, IReadOnlyList<ExperimentRecord> experiments, int slots)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        if (start is not { } s || slots <= 0 || end <= s)
        {
            return 0;
        }

        var busy = 0.0;
        foreach (var e in experiments)
        {
            if ((e.SlotStartedAt ?? e.StartedAt) is not { } runStart)
            {
                continue;
            }

            var runEnd = (e.SlotStartedAt is not null ? e.SlotEndedAt : e.EndedAt) ?? (e.IsFinished ? runStart : end);
            var from = runStart > s ? runStart : s;
            var to = runEnd < end ? runEnd : end;
            if (to > from)
            {
                busy += (to - from).TotalSeconds;
            }
        }

        var available = slots * (end - s).TotalSeconds;
        return Math.Round(Math.Clamp(busy / available, 0, 1), 4);
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
