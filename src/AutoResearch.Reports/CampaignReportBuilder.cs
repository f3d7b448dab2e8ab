using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using System.Text.Json.Nodes;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Reports;

/// <summary>Builds a <see cref="CampaignReportModel"/> from the ledger and the journal.</summary>
public sealed class CampaignReportBuilder(ILedger ledger, IJournal journal, TimeProvider? timeProvider = null)
{
    /// <summary>Reflections kept per author.</summary>
    public const int RecentJournalEntriesPerAuthor = 3;

    /// <summary>Experiments in the report's "Top experiments" section.</summary>
    public const int TopExperimentCount = 5;

    private static readonly JournalEntryKind[] ReflectiveKinds =
        [JournalEntryKind.Reflection, JournalEntryKind.Insight, JournalEntryKind.DeadEnd, JournalEntryKind.Note];

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The report model of a campaign from the ledger (experiments, leaderboard, model calls) and the journal.</summary>
    /// <exception cref="KeyNotFoundException">The ledger has no such campaign.</exception>
    public async Task<CampaignReportModel> BuildAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var campaign = await ledger.GetCampaignAsync(campaignId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Campaign '{campaignId}' is not in the ledger.");
        // No logs, curves or notes: the report shows none of them, and at 100,000 experiments they are most of the bytes.
        var experiments = await ledger.GetExperimentsWithoutLogsAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var entries = await journal.ReadAsync(campaignId, 0, cancellationToken).ConfigureAwait(false);
        var leaderboard = await ledger.GetLeaderboardAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var calls = await ledger.GetModelCallsAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var controls = await ledger.GetControlsAsync(campaignId, cancellationToken).ConfigureAwait(false);
        return Build(campaign, experiments, entries, _time.GetUtcNow(), leaderboard, calls, controls);
    }

    /// <summary>Pure: the report model of <paramref name="campaign"/> as of <paramref name="now"/>.</summary>
    /// <param name="leaderboard">The ledger's accepted bests; when empty (campaigns from before the leaderboard) the best is the best single run.</param>
    /// <param name="modelCalls">The ledger's model calls of the campaign.</param>
    /// <param name="controls">The ledger's control requests of the campaign (budget changes are applied to the budgets shown).</param>
    public static CampaignReportModel Build(
        CampaignRecord campaign,
        IReadOnlyList<ExperimentRecord> experiments,
        IReadOnlyList<JournalEntry> journalEntries,
        DateTimeOffset now,
        IReadOnlyList<LeaderboardEntry>? leaderboard = null,
        IReadOnlyList<ModelCallRecord>? modelCalls = null,
        IReadOnlyList<ControlRequest>? controls = null)
    {
        controls ??= [];
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(journalEntries);
        leaderboard ??= [];
        modelCalls ??= [];
        var spec = campaign.Spec;
        var metric = spec.Benchmark.Metric;
        var defaults = spec.Benchmark.Defaults();
        var ordered = experiments.OrderBy(e => e.Sequence).ThenBy(e => e.QueuedAt).ToList();
        var origin = campaign.StartedAt
            ?? ordered.Where(e => e.StartedAt is not null).Select(e => e.StartedAt!.Value).DefaultIfEmpty(campaign.CreatedAt).Min();

        var succeeded = ordered.Where(IsUsableSuccess).ToList();
        // The one projection of the campaign's facts (best, baseline, leaderboard now, agents, budgets in force) every view reads.
        var facts = AutoResearch.Evaluation.CampaignFacts.Build(campaign.Id, spec, campaign.State, experiments, leaderboard, modelCalls, controls);
        var baseline = facts.Baseline is { } bf ? ordered.First(e => e.Id == bf.ExperimentId) : null;
        var accepted = leaderboard.Count > 0 ? leaderboard.MaxBy(e => e.Index) : null;
        var best = facts.Best is { } bestFact ? ordered.FirstOrDefault(e => e.Id == bestFact.ExperimentId) : null;
        // The campaign's noise as the projection has it (the rule the leaderboard judges with).
        var noiseSummary = facts.Noise;
        var baselineMean = facts.Baseline?.Mean;
        // The accepted best as the campaign sees it now: the mean of its runs (confirmation runs may have followed its acceptance).
        double? bestMean = accepted is null ? null : facts.Best!.Value;
        var bestRuns = facts.Best?.Runs ?? 0;
        var bestStdDev = accepted is null ? null : facts.Best!.StdDev;
        var bestValue = facts.Best?.Value;

        // Best-so-far in the order results became known (the projection's rule).
        var runningBests = AutoResearch.Evaluation.CampaignFacts.RunningBests(succeeded, metric);
        // The rows marked as new bests are the ones the agents' new-best counts count (the projection's).
        var newBestIds = facts.NewBestIds;
        var bestSoFar = runningBests.Select(e =>
        {
            var at = FinishedAt(e);
            return new BestSoFarPoint { At = at, ElapsedMinutes = (at - origin).TotalMinutes, Value = e.Objective!.Value, ExperimentId = e.Id };
        }).ToList();

        var sequenceById = ordered.GroupBy(e => e.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Sequence, StringComparer.Ordinal);
        var rows = ordered.Select(e => ToRow(e, spec.Benchmark, defaults, origin, e.Id == best?.Id, newBestIds.Contains(e.Id), sequenceById)).ToList();
        var rowById = rows.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var failed = ordered.Where(e => e.Status == ExperimentStatus.Failed).ToList();
        // Held-out runs are listed with the experiments and their failures, but the counts are of the search's experiments.
        // Proposals rejected before they ran are no experiments (they are listed with the failures by kind and per agent).
        var tuning = ordered.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList();
        var failureGroups = failed
            .GroupBy(e => e.Failure)
            .Select(g =>
            {
                var example = g.FirstOrDefault(e => !string.IsNullOrWhiteSpace(e.Reason)) ?? g.First();
                return new FailureGroup { Kind = g.Key, Count = g.Count(), ExampleExperimentId = example.Id, ExampleReason = example.Reason };
            })
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Kind)
            .ToList();

        var budgets = EffectiveBudgets.From(facts);
        var agents = BuildAgents(spec, ordered, modelCalls, metric, facts, journalEntries, origin);

        var notes = new List<string>();
        if (ordered.Any(e => e.IsBaselineRun) && baseline is null)
        {
            notes.Add("The baseline experiment did not succeed, so there is nothing to compare against.");
        }
        else if (baseline is null && ordered.Count > 0)
        {
            notes.Add("No baseline experiment was recorded.");
        }

        if (noiseSummary.IdenticalRepeats)
        {
            notes.Add($"Identical repeats: {noiseSummary.Runs} runs of the same parameters with different seeds gave the same {metric.Name}. " +
                (spec.Benchmark.FixedSeed is { } seed
                    ? $"The campaign pins AR_SEED to {seed}, "
                    : $"Benchmark {spec.Benchmark.Name} does not draw its randomness from AR_SEED (or is deterministic), ") +
                $"so no confidence could be measured: new bests had to beat the best by the minimum improvement {noiseSummary.MinImprovement}" +
                (noiseSummary.MinImprovement.Stated ? "" : " (the default; set min_improvement in the campaign file)") + ", and no confidence is claimed.");
        }

        var pending = ordered.Count(e => !e.IsFinished);
        if (pending > 0)
        {
            notes.Add($"{pending} experiment(s) were still queued or running when this report was built.");
        }

        var succeededWithoutObjective = ordered.Count(e => e.Status == ExperimentStatus.Succeeded && !e.IsHoldout && !IsUsableSuccess(e));
        if (succeededWithoutObjective > 0)
        {
            notes.Add($"{succeededWithoutObjective} succeeded experiment(s) had no finite objective and are left out of the best.");
        }

        var model = new CampaignReportModel
        {
            CampaignId = campaign.Id,
            Name = campaign.Name,
            Goal = spec.Goal,
            BenchmarkName = spec.Benchmark.Name,
            MetricName = metric.Name,
            Direction = metric.Direction,
            Target = spec.Target,
            KnownOptimum = spec.Benchmark.KnownOptimum,
            State = campaign.State,
            StateReason = campaign.Reason,
            CreatedAt = campaign.CreatedAt,
            StartedAt = campaign.StartedAt,
            EndedAt = campaign.EndedAt,
            GeneratedAt = now,
            Origin = origin,
            Baseline = baseline is null ? null : rowById[baseline.Id],
            Best = best is null ? null : rowById[best.Id],
            AcceptedBest = accepted,
            BestMean = bestMean,
            BestRuns = bestRuns,
            BestStdDev = bestStdDev,
            // Each accepted best with its runs now (the baseline's entry was written after its first run; its repeats followed).
            Leaderboard = facts.Leaderboard,
            BaselineMean = baselineMean,
            BaselineRuns = facts.Baseline?.Runs ?? 0,
            NoiseStdDev = noiseSummary.StdDev,
            NoiseRuns = noiseSummary.Runs,
            Noise = noiseSummary,
            Pruned = ordered.Count(e => e.Status == ExperimentStatus.Pruned),
            RelativeImprovement = baselineMean is null || bestValue is null
                ? null
                : RelativeImprovement(baselineMean.Value, bestValue.Value, metric.Direction),
            Total = tuning.Count,
            Succeeded = tuning.Count(e => e.Status == ExperimentStatus.Succeeded),
            Failed = tuning.Count(e => e.Status == ExperimentStatus.Failed),
            Holdout = HoldoutSummaries.From(ordered, metric),
            Pending = pending,
            FailuresByKind = failureGroups,
            StoppedEarly = rows.Where(r => r.Status == ExperimentStatus.Pruned).ToList(),
            Agents = agents,
            CampaignBudget = budgets.Campaign,
            BudgetChanges = budgets.Changes,
            TopExperiments = BuildTop(spec.Benchmark, ordered, succeeded, rowById),
            Parameters = spec.Benchmark.Parameters,
            AdvisorEndpoints = spec.Agents.Select(a => a.Endpoints).FirstOrDefault(e => e.Count > 0) ?? [],
            CampaignUsed = ordered.Where(e => e.IsFinished).Aggregate(ResourceUse.Zero, (u, e) => u + e.Use) with
            {
                Tokens = RunStatistics.TokensUsed(ordered, modelCalls),
            },
            ModelCalls = BuildModelCalls(spec, modelCalls),
            CostPerGain = AutoResearch.Evaluation.CostPerGain.From(spec.Agents.Select(a => a.Id).ToList(), ordered, leaderboard, modelCalls, metric.Direction),
            Experiments = rows,
            BestSoFar = bestSoFar,
            Journal = BuildJournal(spec, journalEntries),
            JournalEntryCount = journalEntries.Count,
            Reproduce = best is null ? null : BuildReproduce(spec.Benchmark, best),
            Notes = notes,
        };
        return model with { Advice = new NextNightAdvice { Rules = SuggestionRules.For(model, ordered) } };
    }

    /// <summary>
    /// Relative change from <paramref name="baseline"/> to <paramref name="best"/> where positive means better
    /// for <paramref name="direction"/>; null when the baseline is 0 or a value is not finite.
    /// </summary>
    public static double? RelativeImprovement(double baseline, double best, Direction direction)
    {
        if (!double.IsFinite(baseline) || !double.IsFinite(best) || baseline == 0)
        {
            return null;
        }

        var change = (best - baseline) / Math.Abs(baseline);
        return direction == Direction.Minimize ? -change : change;
    }

    internal static bool IsUsableSuccess(ExperimentRecord e) => e.HasUsableObjective;

    internal static DateTimeOffset FinishedAt(ExperimentRecord e) => e.EndedAt ?? e.StartedAt ?? e.QueuedAt;

    private static ExperimentReportRow ToRow(
        ExperimentRecord e,
        BenchmarkSpec benchmark,
        ParameterSet defaults,
        DateTimeOffset origin,
        bool isBest,
        bool isNewBest,
        IReadOnlyDictionary<string, int> sequenceById) => new()
    {
        Id = e.Id,
        Sequence = e.Sequence,
        AgentId = e.AgentId,
        ProposerName = e.ProposerName,
        Status = e.Status,
        Failure = e.Status == ExperimentStatus.Failed ? e.Failure : FailureKind.None,
        IsBaseline = e.IsBaseline,
        IsBest = isBest,
        IsNewBest = isNewBest,
        Objective = e.Objective,
        Duration = e.Duration,
        StartedAt = e.StartedAt,
        EndedAt = e.EndedAt,
        ElapsedMinutes = e.IsFinished ? (FinishedAt(e) - origin).TotalMinutes : null,
        KeyParameters = ReportFormat.KeyParameters(e.Parameters, defaults)
            + (e.Diff is not null || e.EditedFiles.Count > 0 ? " + edits" : ""),
        Hypothesis = e.Hypothesis,
        Reason = e.Status is ExperimentStatus.Failed or ExperimentStatus.Pruned ? e.Reason ?? "" : null,
        Kind = e.Kind,
        RepeatOf = e.RepeatOf,
        RepeatOfSequence = e.RepeatOf is { } of && sequenceById.TryGetValue(of, out var n) ? n : null,
        Verdict = e.Verdict,
        Confidence = e.Confidence,
        Margin = e.Margin,
        Tokens = e.Tokens,
        CpuSecondsRefunded = RunStatistics.EarlyStopRefund(e, benchmark).CpuSeconds,
        CpuSeconds = e.CpuSeconds,
        GpuSeconds = e.GpuSeconds,
        HasEdits = e.Diff is not null || e.EditedFiles.Count > 0,
    };

    private static List<AgentReportRow> BuildAgents(
        CampaignSpec spec,
        IReadOnlyList<ExperimentRecord> experiments,
        IReadOnlyList<ModelCallRecord> calls,
        MetricSpec metric,
        AutoResearch.Evaluation.CampaignFacts facts,
        IReadOnlyList<JournalEntry> journal,
        DateTimeOffset origin)
    {
        var ids = spec.Agents.Select(a => a.Id)
            .Concat(experiments.Select(e => e.AgentId))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var rows = new List<AgentReportRow>(ids.Count);
        foreach (var id in ids)
        {
            var agentSpec = spec.Agents.FirstOrDefault(a => a.Id == id);
            var mine = experiments.Where(e => e.AgentId == id).ToList();
            var best = metric.BestOf(mine);
            // Its facts (counts, model, new bests, budget in force) for an agent of the campaign file; an agent only the ledger
            // names (an older campaign's) has its counts from its rows and no budget.
            var agentFacts = facts.Agent(id);
            var budget = agentFacts?.Budget ?? BudgetSpec.Unlimited;
            var refunded = mine.Aggregate(ResourceUse.Zero, (r, e) => r + RunStatistics.EarlyStopRefund(e, spec.Benchmark));
            var used = new ResourceUse
            {
                Tokens = RunStatistics.TokensUsed(mine, calls, id),
                CpuSeconds = mine.Sum(e => e.CpuSeconds),
                GpuSeconds = mine.Sum(e => e.GpuSeconds),
            };

            // The model that answered last (and any failover), as status shows it; the spec's model before any answer.
            var (answering, failover) = agentFacts is null ? (null, null) : (agentFacts.Model, agentFacts.Failover);
            rows.Add(new AgentReportRow
            {
                Id = id,
                Role = agentSpec?.Role ?? "",
                Proposer = agentSpec?.Proposer ?? mine.Select(e => e.ProposerName).FirstOrDefault() ?? "",
                Model = answering ?? agentSpec?.Model,
                Failover = failover,
                Experiments = agentFacts?.Experiments ?? mine.Count(e => !e.IsRejectedProposal()),
                Rejections = agentFacts?.Rejections ?? mine.Count(e => e.IsRejectedProposal()),
                Succeeded = agentFacts?.Succeeded ?? mine.Count(e => e.Status == ExperimentStatus.Succeeded),
                Failed = agentFacts?.Failed ?? mine.Count(e => e.Status == ExperimentStatus.Failed && !e.IsRejectedProposal()),
                // Accepted new bests, as the leaderboard counts them (not every result that beat the running best when it finished).
                NewBests = agentFacts?.NewBests ?? 0,
                Best = best?.Objective,
                BestExperimentId = best?.Id,
                CpuSeconds = used.CpuSeconds,
                GpuSeconds = used.GpuSeconds,
                CpuBudgetSeconds = budget.CpuSeconds,
                GpuBudgetSeconds = budget.GpuSeconds,
                Tokens = used.Tokens,
                TokenBudget = budget.Tokens,
                Pruned = agentFacts?.Pruned ?? mine.Count(e => e.Status == ExperimentStatus.Pruned),
                CpuSecondsRefunded = refunded.CpuSeconds,
                GpuSecondsRefunded = refunded.GpuSeconds,
                WithinBudget = budget.WhyNotFits(used, ResourceUse.Zero) is null,
                BudgetChanged = agentFacts?.BudgetChanged ?? false,
                // The accepted bests as the leaderboard stands now (each one's mean over its runs), as the agents' new bests count them.
                Narrative = AgentNarratives.Build(id, spec.Benchmark, mine, calls.Where(c => c.AgentId == id).ToList(), facts.Leaderboard, journal, origin),
            });
        }

        return rows;
    }

    /// <summary>Calls per agent and model, agents in campaign-file order (others after them, by id).</summary>
    private static List<ModelCallSummaryRow> BuildModelCalls(CampaignSpec spec, IReadOnlyList<ModelCallRecord> calls)
    {
        var agentOrder = spec.Agents.Select((a, i) => (a.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        return calls
            .GroupBy(c => (c.AgentId, c.Provider, c.Model))
            .OrderBy(g => agentOrder.TryGetValue(g.Key.AgentId, out var i) ? i : int.MaxValue)
            .ThenBy(g => g.Key.AgentId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Provider, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .Select(g => new ModelCallSummaryRow
            {
                AgentId = g.Key.AgentId,
                Provider = g.Key.Provider,
                Model = g.Key.Model,
                Calls = g.Count(),
                PromptTokens = g.Sum(c => c.PromptTokens),
                CompletionTokens = g.Sum(c => c.CompletionTokens),
                Failures = g.Count(c => c.OutcomeKind != ModelCallOutcome.Ok),
                MeanLatencyMs = g.Average(c => c.LatencyMs),
            })
            .ToList();
    }

    private static List<AgentJournal> BuildJournal(CampaignSpec spec, IReadOnlyList<JournalEntry> entries)
    {
        var reflective = entries.Where(e => ReflectiveKinds.Contains(e.Kind)).OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
        var agentOrder = spec.Agents.Select((a, i) => (a.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        return reflective
            .GroupBy(e => e.Author, StringComparer.Ordinal)
            .OrderBy(g => agentOrder.TryGetValue(g.Key, out var i) ? i : int.MaxValue)
            .ThenBy(g => g.First().At)
            .Select(g =>
            {
                var all = g.ToList();
                return new AgentJournal
                {
                    Author = g.Key,
                    Recent = all.Skip(Math.Max(0, all.Count - RecentJournalEntriesPerAuthor)).ToList(),
                    Total = all.Count,
                };
            })
            .ToList();
    }

    /// <summary>The best originals (proposals and the baseline, not repeats) by the mean over their runs, best first.</summary>
    private static List<TopExperiment> BuildTop(
        BenchmarkSpec benchmark,
        IReadOnlyList<ExperimentRecord> all,
        IReadOnlyList<ExperimentRecord> succeeded,
        IReadOnlyDictionary<string, ExperimentReportRow> rowById)
    {
        var metric = benchmark.Metric;
        var defaults = benchmark.Defaults();
        // RunsOf for every candidate at once: one pass over the repeats instead of one per candidate (quadratic at 100,000 runs).
        var repeats = succeeded.Where(e => e.RepeatOf is not null).ToLookup(e => e.RepeatOf!, StringComparer.Ordinal);
        var candidates = succeeded
            .Where(e => e.Kind != ExperimentKind.Repeat)
            .Select(e =>
            {
                var runs = repeats[e.Id].Where(r => r.Id != e.Id).Append(e).OrderBy(r => r.Sequence).Select(r => r.Objective!.Value).ToList();
                return (Experiment: e, Runs: runs.Count == 0 ? [e.Objective!.Value] : runs);
            })
            .ToList();
        var ranked = metric.Direction == Direction.Minimize
            ? candidates.OrderBy(c => c.Runs.Average())
            : candidates.OrderByDescending(c => c.Runs.Average());
        return ranked
            .ThenBy(c => c.Experiment.Sequence)
            .Take(TopExperimentCount)
            .Select((c, i) => new TopExperiment
            {
                Rank = i + 1,
                Row = rowById[c.Experiment.Id],
                Mean = c.Runs.Average(),
                Runs = c.Runs.Count,
                Parameters = c.Experiment.Parameters
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => new TopParameter(p.Key, p.Value.Text, defaults.Get(p.Key)?.Text ?? ""))
                    .ToList(),
                Diff = string.IsNullOrWhiteSpace(c.Experiment.Diff) ? null : c.Experiment.Diff,
            })
            .ToList();
    }

    private static string TypedParametersJson(BenchmarkSpec benchmark, ParameterSet parameters)
    {
        var json = new JsonObject();
        foreach (var (name, value) in parameters)
        {
            var type = benchmark.Parameters.FirstOrDefault(p => p.Name == name)?.Type;
            json[name] = type switch
            {
                ParameterType.Int when value.IsNumber => JsonValue.Create(value.AsInteger),
                ParameterType.Float when value.IsNumber => JsonValue.Create(value.AsNumber),
                _ => JsonValue.Create(value.Text),
            };
        }

        return json.ToJsonString(ReportJson.Indented);
    }

    private static ReproduceInfo BuildReproduce(BenchmarkSpec benchmark, ExperimentRecord best)
    {
        var parameters = best.Parameters.ToText().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        return new ReproduceInfo
        {
            ExperimentId = best.Id,
            AgentId = best.AgentId,
            Objective = best.Objective,
            ImageId = best.ImageId,
            Image = benchmark.Image,
            BenchmarkDirectory = benchmark.Directory,
            Parameters = parameters,
            ParametersJson = TypedParametersJson(benchmark, best.Parameters),
            Seed = best.Seed,
            Diff = string.IsNullOrWhiteSpace(best.Diff) ? null : best.Diff,
            EditedFiles = best.EditedFiles.Keys.Order(StringComparer.Ordinal).ToList(),
            CommandLine = ReproduceCommandLine.Build(benchmark, best.ImageId, parameters, best.Seed),
        };
    }
}
