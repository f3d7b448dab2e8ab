using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Host.Hosting;

/// <summary>A campaign's status rebuilt from the ledger alone, for reading without a running silo.</summary>
public static class LedgerCampaignStatus
{
    /// <param name="leaderboard">The ledger's accepted bests (baseline first); when empty the best is the best single run.</param>
    /// <param name="calls">The campaign's model calls: a model agent's model and failover are those of its latest answered proposal call.</param>
    public static CampaignStatus From(CampaignRecord campaign, IReadOnlyList<ExperimentRecord> experiments, int slots, IReadOnlyList<LeaderboardEntry>? leaderboard = null,
        IReadOnlyList<ModelCallRecord>? calls = null)
    {
        var spec = campaign.Spec;
        var metric = spec.Benchmark.Metric;
        // Held-out runs are shown apart (Holdout) and charged to the budget; the counts are the search's experiments.
        var all = experiments;
        var heldOut = all.Where(e => e.IsHoldout).ToList();
        // Proposals rejected before they ran are no experiments (their tokens still count); each agent shows how many it had.
        var rejected = all.Where(e => e.IsRejectedProposal()).ToList();
        experiments = all.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList();
        var succeeded = experiments.Where(e => e.HasUsableObjective).ToList();
        var pruned = experiments.Count(e => e.Status == ExperimentStatus.Pruned);
        var accepted = leaderboard is { Count: > 0 } ? leaderboard[^1] : null;
        var best = metric.BestOf(succeeded);
        // The accepted best's current mean: its own run and every repeat of it (as the campaign grain computes it).
        var bestRuns = accepted is null ? [] : succeeded.Where(e => e.Id == accepted.ExperimentId || e.RepeatOf == accepted.ExperimentId).Select(e => e.Objective!.Value).ToList();
        var agents = spec.Agents.Select(a =>
        {
            var mine = experiments.Where(e => e.AgentId == a.Id && e.IsFinished).ToList();
            var mineHeldOut = heldOut.Where(e => e.AgentId == a.Id && e.IsFinished).ToList();
            var mineOk = mine.Where(e => e.HasUsableObjective).ToList();
            var mineRejected = rejected.Where(e => e.AgentId == a.Id).ToList();
            var (model, failover) = AnsweringModel.Of(a, calls);
            var lastProposal = mine.Concat(mineRejected).Where(e => e.Kind == ExperimentKind.Proposal).MaxBy(e => e.Sequence);
            return AgentStatus.Initial(a) with
            {
                Experiments = mine.Count,
                Rejections = mineRejected.Count,
                RejectionsUsedUp = lastProposal is not null && FallbackProposals.IsExhausted(lastProposal),
                Model = model ?? a.Model,
                Succeeded = mineOk.Count,
                CpuSecondsUsed = mine.Sum(e => e.CpuSeconds) + mineHeldOut.Sum(e => e.CpuSeconds),
                GpuSecondsUsed = mine.Sum(e => e.GpuSeconds) + mineHeldOut.Sum(e => e.GpuSeconds),
                Pruned = mine.Count(e => e.Status == ExperimentStatus.Pruned),
                Best = metric.BestOf(mineOk)?.Objective,
                TokensUsed = mine.Sum(e => e.Tokens) + mineRejected.Sum(e => e.Tokens),
                // A model agent whose latest proposal came from its fallback optimizer had no model answering; one whose
                // latest answer came from a failover endpoint says which endpoints failed.
                ModelProblem = lastProposal is { } last && FallbackProposals.IsFallback(last)
                    ? FallbackProposals.Problem(last.ProposerName)
                    : lastProposal is { } l && (FallbackProposals.IsBackOff(l) || FallbackProposals.IsExhausted(l))
                        ? $"{mineRejected.Count} proposals rejected; {l.ProposerName} proposes"
                        : failover,
            };
        }).ToList();
        var noise = AutoResearch.Evaluation.NoiseSummaries.FromLedger(experiments, spec.Noise);
        return new CampaignStatus
        {
            Id = campaign.Id,
            Name = campaign.Name,
            State = campaign.State,
            StartedAt = campaign.StartedAt,
            EndedAt = campaign.EndedAt,
            Deadline = campaign.Deadline,
            MaxExperiments = spec.MaxExperiments,
            Launched = experiments.Count,
            Finished = experiments.Count(e => e.IsFinished),
            Succeeded = succeeded.Count,
            Failed = experiments.Count(e => e.IsFinished) - succeeded.Count - pruned,
            Pruned = pruned,
            Direction = metric.Direction,
            MetricName = metric.Name,
            Baseline = experiments.FirstOrDefault(e => e.IsBaseline && e.Status == ExperimentStatus.Succeeded)?.Objective,
            Best = bestRuns.Count > 0 ? bestRuns.Average() : accepted?.Objective ?? best?.Objective,
            BestExperimentId = accepted?.ExperimentId ?? best?.Id,
            BestConfidence = accepted?.Confidence,
            BestRuns = bestRuns.Count > 0 ? bestRuns.Count : accepted?.Runs ?? (best is null ? 0 : 1),
            NoiseStdDev = noise.StdDev,
            Noise = noise,
            Budget = spec.Budget,
            // The report's model-written advice is charged to the campaign's token budget too (as the campaign grain charges it).
            Used = all.Where(e => e.IsFinished).Aggregate(Abstractions.Specs.ResourceUse.Zero, (u, e) => u + e.Use)
                   + new Abstractions.Specs.ResourceUse { Tokens = ReportAdvice.Tokens(calls ?? []) },
            Agents = agents.Select(a => a.InCampaign(campaign.State)).ToList(),
            Reason = campaign.Reason,
            Slots = slots,
            Holdout = HoldoutSummary.From(all, metric),
            HoldoutLaunched = heldOut.Count,
            HoldoutFinished = heldOut.Count(e => e.IsFinished),
            AllocationShares = AllocationShares(spec, experiments, agents, leaderboard),
        };
    }

    /// <summary>Under <c>allocation: gain</c>: the shares the campaign's bandit gives from the same history (turns, use, accepted gains); empty under <c>fair</c>.</summary>
    private static Dictionary<string, double> AllocationShares(
        Abstractions.Specs.CampaignSpec spec, IReadOnlyList<ExperimentRecord> experiments, IReadOnlyList<AgentStatus> agents, IReadOnlyList<LeaderboardEntry>? leaderboard)
    {
        if (spec.Allocation != Abstractions.Specs.AllocationPolicy.Gain || spec.Agents.Count < 2) return [];
        var gains = AutoResearch.Evaluation.CostPerGain.GainsByAgent(leaderboard ?? [], spec.Benchmark.Metric.Direction);
        var arms = agents.Select(a => new AutoResearch.Evaluation.AllocationArm(a.Id, experiments.Count(e => e.AgentId == a.Id), a.Used, gains.GetValueOrDefault(a.Id))).ToList();
        return new Dictionary<string, double>(AutoResearch.Evaluation.GainAllocation.Shares(arms), StringComparer.Ordinal);
    }
}
