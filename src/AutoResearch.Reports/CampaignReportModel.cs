using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>Everything a campaign report shows, computed once from the ledger and the journal.</summary>
public sealed record CampaignReportModel
{
    public required string CampaignId { get; init; }
    public required string Name { get; init; }
    public string Goal { get; init; } = "";
    public required string BenchmarkName { get; init; }
    public required string MetricName { get; init; }
    public required Direction Direction { get; init; }
    public double? Target { get; init; }
    public double? KnownOptimum { get; init; }
    public required CampaignState State { get; init; }

    /// <summary>Why the campaign ended, when it says.</summary>
    public string? StateReason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>When the report was built.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Time zero of the charts: campaign start, else first experiment start, else creation.</summary>
    public required DateTimeOffset Origin { get; init; }

    /// <summary>The first succeeded baseline experiment, if any.</summary>
    public ExperimentReportRow? Baseline { get; init; }

    /// <summary>Mean of the baseline's successful runs (with its noise-measurement repeats); null without a baseline.</summary>
    public double? BaselineMean { get; init; }

    public int BaselineRuns { get; init; }

    public double? BaselineObjective => BaselineMean ?? Baseline?.Objective;

    /// <summary>
    /// The campaign's accepted best: the last leaderboard entry when the campaign kept one (noise-aware), else the succeeded
    /// experiment with the best objective (earliest on ties).
    /// </summary>
    public ExperimentReportRow? Best { get; init; }

    /// <summary>The accepted best's leaderboard entry (mean over its runs, confidence, margin); null for campaigns without a leaderboard.</summary>
    public LeaderboardEntry? AcceptedBest { get; init; }

    /// <summary>
    /// The accepted best's current mean: its own run and every repeat of it in the ledger (as the campaign computes it while it
    /// runs; confirmation runs may follow its acceptance). Null for campaigns without a leaderboard.
    /// </summary>
    public double? BestMean { get; init; }

    /// <summary>Runs behind <see cref="BestObjective"/> (1 for campaigns without a leaderboard, 0 without a best).</summary>
    public int BestRuns { get; init; }

    /// <summary>Sample standard deviation of the accepted best's runs; null with a single run.</summary>
    public double? BestStdDev { get; init; }

    /// <summary>The headline's best: the accepted best's mean when the campaign kept a leaderboard, else the best single run.</summary>
    public double? BestObjective => BestMean ?? AcceptedBest?.Objective ?? Best?.Objective;

    /// <summary>Accepted bests in order, baseline first (empty for campaigns without a leaderboard).</summary>
    public IReadOnlyList<LeaderboardEntry> Leaderboard { get; init; } = [];

    /// <summary>Pooled run-to-run standard deviation from the repeat groups, and the runs behind it; null when not measured.</summary>
    public double? NoiseStdDev { get; init; }

    public int NoiseRuns { get; init; }

    /// <summary>The noise measurement and the acceptance rule it put in force (identical repeats, the minimum improvement).</summary>
    public AutoResearch.Abstractions.Grains.NoiseSummary Noise { get; init; } = new();

    /// <summary>Experiments stopped early by the benchmark's rule (neither succeeded nor failed).</summary>
    public int Pruned { get; init; }

    /// <summary>(best − baseline) / |baseline|, sign flipped for minimize: positive always means better. Null without both or when the baseline is 0.</summary>
    public double? RelativeImprovement { get; init; }

    public int Total { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }

    /// <summary>Queued or running when the report was built.</summary>
    public int Pending { get; init; }

    /// <summary>Failed experiments by cause, most frequent first (experiments stopped early are not failures).</summary>
    public IReadOnlyList<FailureGroup> FailuresByKind { get; init; } = [];

    /// <summary>Experiments stopped early by the benchmark's rule, by sequence, with the rule's reason.</summary>
    public IReadOnlyList<ExperimentReportRow> StoppedEarly { get; init; } = [];

    public IReadOnlyList<AgentReportRow> Agents { get; init; } = [];

    /// <summary>The campaign-wide budget from the campaign file (0 = no limit per resource) and what all agents used.</summary>
    public BudgetSpec CampaignBudget { get; init; } = new();
    public ResourceUse CampaignUsed { get; init; } = ResourceUse.Zero;

    /// <summary>Model calls per agent and model; empty when no agent called a model.</summary>
    public IReadOnlyList<ModelCallSummaryRow> ModelCalls { get; init; } = [];

    /// <summary>All experiments, by sequence.</summary>
    public IReadOnlyList<ExperimentReportRow> Experiments { get; init; } = [];

    /// <summary>Each improvement of the best objective, in time order.</summary>
    public IReadOnlyList<BestSoFarPoint> BestSoFar { get; init; } = [];

    /// <summary>Recent reflections, insights, dead ends and notes per author.</summary>
    public IReadOnlyList<AgentJournal> Journal { get; init; } = [];

    public int JournalEntryCount { get; init; }

    public ReproduceInfo? Reproduce { get; init; }

    /// <summary>Caveats for the reader (baseline failed, runs still going, ...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Why this report was written (scheduled morning report, the campaign's end, on demand).</summary>
    public Abstractions.Reports.ReportTrigger Trigger { get; init; }

    /// <summary>The best experiments (originals, not repeats), best first, with parameters and diffs.</summary>
    public IReadOnlyList<TopExperiment> TopExperiments { get; init; } = [];

    /// <summary>Suggestions for the next night.</summary>
    public NextNightAdvice Advice { get; init; } = NextNightAdvice.Empty;

    /// <summary>Budget changes applied while the campaign ran, as sentences in order.</summary>
    public IReadOnlyList<string> BudgetChanges { get; init; } = [];

    /// <summary>Benchmark parameters (ranges, defaults), for the suggestions and the reader.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; init; } = [];

    /// <summary>The model endpoints (in failover order) of the first agent that names any: where model-written suggestions come from.</summary>
    public IReadOnlyList<string> AdvisorEndpoints { get; init; } = [];

    /// <summary>Held-out re-validation: in-sample vs held-out of the re-validated results, ranked by held-out; empty when none ran.</summary>
    public HoldoutSummary Holdout { get; init; } = new();

    /// <summary>Cost per unit of accepted improvement per agent and per model, and the models' rejection rates (see <see cref="AutoResearch.Evaluation.CostPerGain"/>).</summary>
    public AutoResearch.Evaluation.CostPerGainReport CostPerGain { get; init; } = new();

    public string DirectionWord => Direction == Direction.Minimize ? "minimize" : "maximize";
}
