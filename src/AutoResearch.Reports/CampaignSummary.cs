using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoResearch.Reports;

/// <summary>The machine-readable end-of-campaign summary the CLI prints with <c>--json</c>.</summary>
public sealed record CampaignSummary
{
    [JsonPropertyName("campaign")] public required string Campaign { get; init; }
    [JsonPropertyName("experiments")] public int Experiments { get; init; }
    [JsonPropertyName("succeeded")] public int Succeeded { get; init; }
    [JsonPropertyName("failed")] public int Failed { get; init; }

    /// <summary><c>minimize</c> or <c>maximize</c>.</summary>
    [JsonPropertyName("direction")] public required string Direction { get; init; }

    /// <summary>The baseline's mean over its runs (its first run and its noise repeats; see <see cref="BaselineRuns"/>).</summary>
    [JsonPropertyName("baseline")] public double? Baseline { get; init; }

    /// <summary>Runs behind <see cref="Baseline"/>.</summary>
    [JsonPropertyName("baseline_runs")] public int BaselineRuns { get; init; }

    /// <summary>The accepted best (mean of its runs when it was confirmed by repeats); the best single run for campaigns without a leaderboard.</summary>
    [JsonPropertyName("best")] public double? Best { get; init; }

    /// <summary>Probability (0..1) that the best really beats the one before it, from the measured noise; null when unknown.</summary>
    [JsonPropertyName("best_confidence")] public double? BestConfidence { get; init; }

    /// <summary>Runs behind <see cref="Best"/>.</summary>
    [JsonPropertyName("best_runs")] public int BestRuns { get; init; }

    /// <summary>Run-to-run standard deviation measured from repeats; null when not measured.</summary>
    [JsonPropertyName("noise_stddev")] public double? NoiseStdDev { get; init; }

    /// <summary>
    /// True when the repeats (same parameters, different AR_SEED) came out identical: the benchmark ignores its seed or is
    /// deterministic, <see cref="NoiseStdDev"/> is no noise level, and acceptance falls back to <see cref="MinImprovement"/>.
    /// </summary>
    [JsonPropertyName("noise_identical_repeats")] public bool NoiseIdenticalRepeats { get; init; }

    /// <summary>The rule new bests are accepted by now: <c>confidence</c> (tested against measured noise) or <c>minimum_improvement</c>.</summary>
    [JsonPropertyName("acceptance_rule")] public string AcceptanceRule { get; init; } = "confidence";

    /// <summary>The campaign's minimum improvement (stated in the campaign file or the default).</summary>
    [JsonPropertyName("min_improvement")] public CampaignSummaryMinImprovement? MinImprovement { get; init; }

    /// <summary>On what grounds the best was accepted: <c>reference</c> (the baseline), <c>confidence</c>, <c>minimum_improvement</c> or <c>better_mean</c> (the better estimate after an earlier confident win; no confidence claimed); null without a leaderboard.</summary>
    [JsonPropertyName("best_accepted_by")] public string? BestAcceptedBy { get; init; }

    /// <summary>Experiments stopped early by the benchmark's rule (counted neither as succeeded nor failed).</summary>
    [JsonPropertyName("pruned")] public int Pruned { get; init; }

    /// <summary>Path of <c>report.md</c>, or null when no report was written.</summary>
    [JsonPropertyName("report")] public string? Report { get; init; }

    /// <summary>Path of <c>report.html</c>, or null when no report was written.</summary>
    [JsonPropertyName("report_html")] public string? ReportHtml { get; init; }

    [JsonPropertyName("agents")] public IReadOnlyList<CampaignSummaryAgent> Agents { get; init; } = [];

    /// <summary>The accepted best's held-out mean and whether it held up (beat the baseline's held-out score); null when not re-validated.</summary>
    [JsonPropertyName("best_held_out")] public double? BestHeldOut { get; init; }
    [JsonPropertyName("best_held_up")] public bool? BestHeldUp { get; init; }

    /// <summary>Held-out re-validation of the top results (in-sample vs held-out, ranked by held-out); null when none ran.</summary>
    [JsonPropertyName("holdout")] public CampaignSummaryHoldout? Holdout { get; init; }

    /// <summary>Busy sandbox-slot time over available slot time in the campaign window, 0..1.</summary>
    [JsonPropertyName("utilization")] public double Utilization { get; init; }

    /// <summary>Experiments waiting for a person's approval (the campaign's <c>approval:</c> thresholds) and since when the oldest waits.</summary>
    [JsonPropertyName("awaiting_approval")] public int AwaitingApproval { get; init; }
    [JsonPropertyName("awaiting_approval_since")] public DateTimeOffset? AwaitingApprovalSince { get; init; }

    /// <summary>The campaign's token budget (0 = no limit), what all agents used, and what is left (null without a budget).</summary>
    [JsonPropertyName("token_budget")] public long TokenBudget { get; init; }
    [JsonPropertyName("tokens_used")] public long TokensUsed { get; init; }
    [JsonPropertyName("tokens_remaining")] public long? TokensRemaining { get; init; }

    /// <summary>Cost per unit of accepted improvement, per agent and per model (see <c>CostPerGain</c> in AutoResearch.Evaluation).</summary>
    [JsonPropertyName("cost_per_gain")] public CampaignSummaryCostPerGain? CostPerGain { get; init; }

    /// <summary>Proposals each endpoint/model made and how many were rejected before running.</summary>
    [JsonPropertyName("model_rejections")] public IReadOnlyList<CampaignSummaryRejections> ModelRejections { get; init; } = [];

    /// <summary>The summary as one line of JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJson.Compact);
}

/// <summary>The minimum improvement in the JSON summary: <c>{"value": 0.01, "relative": true, "stated": false}</c>.</summary>
public sealed record CampaignSummaryMinImprovement
{
    /// <summary>A fraction of the best's mean when relative (0.01 = 1 %), else objective units.</summary>
    [JsonPropertyName("value")] public double Value { get; init; }
    [JsonPropertyName("relative")] public bool Relative { get; init; }

    /// <summary>False when it is the default (the campaign file has no <c>min_improvement</c>).</summary>
    [JsonPropertyName("stated")] public bool Stated { get; init; }
}

/// <summary>Cost per gain in the JSON summary.</summary>
public sealed record CampaignSummaryCostPerGain
{
    /// <summary><c>percent_of_baseline</c> (gains in % of the baseline mean) or <c>objective</c> (baseline 0 or missing).</summary>
    [JsonPropertyName("unit")] public required string Unit { get; init; }

    /// <summary>Who bought improvement cheapest, in words.</summary>
    [JsonPropertyName("verdict")] public string Verdict { get; init; } = "";

    [JsonPropertyName("agents")] public IReadOnlyList<CampaignSummaryGainCost> Agents { get; init; } = [];
    [JsonPropertyName("models")] public IReadOnlyList<CampaignSummaryGainCost> Models { get; init; } = [];
}

/// <summary>One agent's or model's cost per gain; the per-unit costs are null without an accepted gain ("no gain yet").</summary>
public sealed record CampaignSummaryGainCost
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("experiments")] public int Experiments { get; init; }
    [JsonPropertyName("new_bests")] public int NewBests { get; init; }

    /// <summary>Accepted improvement in objective units, in the metric's direction.</summary>
    [JsonPropertyName("gain")] public double Gain { get; init; }

    /// <summary>The same in the summary's unit (percent of the baseline mean, or objective units).</summary>
    [JsonPropertyName("gain_units")] public double GainUnits { get; init; }
    [JsonPropertyName("tokens")] public long Tokens { get; init; }
    [JsonPropertyName("cpu_seconds")] public double CpuSeconds { get; init; }
    [JsonPropertyName("gpu_seconds")] public double GpuSeconds { get; init; }
    [JsonPropertyName("tokens_per_unit")] public double? TokensPerUnit { get; init; }
    [JsonPropertyName("cpu_seconds_per_unit")] public double? CpuSecondsPerUnit { get; init; }
    [JsonPropertyName("gpu_seconds_per_unit")] public double? GpuSecondsPerUnit { get; init; }

    /// <summary>Share (0..1) of the campaign's cost, resources weighted equally; the "cheapest" ranking is this per gain unit.</summary>
    [JsonPropertyName("cost_share")] public double CostShare { get; init; }

    internal static CampaignSummaryGainCost From(AutoResearch.Evaluation.GainCost r) => new()
    {
        Name = r.Name,
        Experiments = r.Experiments,
        NewBests = r.Accepted,
        Gain = r.Gain,
        GainUnits = r.GainUnits,
        Tokens = r.Tokens,
        CpuSeconds = r.CpuSeconds,
        GpuSeconds = r.GpuSeconds,
        TokensPerUnit = r.TokensPerUnit,
        CpuSecondsPerUnit = r.CpuSecondsPerUnit,
        GpuSecondsPerUnit = r.GpuSecondsPerUnit,
        CostShare = r.CostShare,
    };
}

/// <summary>An endpoint/model's proposals and rejections in the JSON summary.</summary>
public sealed record CampaignSummaryRejections
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("proposals")] public int Proposals { get; init; }
    [JsonPropertyName("rejected")] public int Rejected { get; init; }
    [JsonPropertyName("rejection_rate")] public double RejectionRate { get; init; }
}
