using System.Text.Json.Serialization;

namespace AutoResearch.Reports;

/// <summary>One agent in a <see cref="CampaignSummary"/>.</summary>
public sealed record CampaignSummaryAgent
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("role")] public string Role { get; init; } = "";
    [JsonPropertyName("model")] public string? Model { get; init; }

    /// <summary>A model problem seen last (e.g. "no model answers; tpe (fallback) proposes"); null while its models answer.</summary>
    [JsonPropertyName("model_problem")] public string? ModelProblem { get; init; }
    [JsonPropertyName("experiments")] public int Experiments { get; init; }

    /// <summary>Its state (<c>running</c>, <c>paused</c>, …) and what it is doing, as the campaign shows it.</summary>
    [JsonPropertyName("state")] public string? State { get; init; }
    [JsonPropertyName("activity")] public string? Activity { get; init; }

    /// <summary>Its accepted new bests (leaderboard entries after the baseline); null when not read from the ledger.</summary>
    [JsonPropertyName("new_bests")] public int? NewBests { get; init; }

    /// <summary>Proposals rejected before they ran (no experiments; they use the allowance <see cref="MaxRejections"/>, 0 when unknown).</summary>
    [JsonPropertyName("rejections")] public int Rejections { get; init; }
    [JsonPropertyName("max_rejections")] public int MaxRejections { get; init; }
    [JsonPropertyName("tokens_used")] public long TokensUsed { get; init; }
    [JsonPropertyName("token_budget")] public long TokenBudget { get; init; }
    [JsonPropertyName("gpu_seconds_used")] public double GpuSecondsUsed { get; init; }
    [JsonPropertyName("gpu_budget_seconds")] public double GpuBudgetSeconds { get; init; }
    [JsonPropertyName("cpu_seconds_used")] public double CpuSecondsUsed { get; init; }
    [JsonPropertyName("cpu_budget_seconds")] public double CpuBudgetSeconds { get; init; }

    /// <summary>Experiments its early-stopping rule stopped.</summary>
    [JsonPropertyName("pruned")] public int Pruned { get; init; }

    /// <summary>The budget in force (0 = no limit per resource).</summary>
    [JsonPropertyName("budget")] public CampaignSummaryResources Budget { get; init; } = new();

    /// <summary>What the agent used, as charged to its budget.</summary>
    [JsonPropertyName("used")] public CampaignSummaryResources Used { get; init; } = new();

    /// <summary>Tokens left in its budget (budget − used − reserved in flight); null without a token budget.</summary>
    [JsonPropertyName("tokens_remaining")] public long? TokensRemaining { get; init; }

    /// <summary>Tokens reserved per experiment (measured prompt + longest answer + repair + reflection; model agents while running, else 0).</summary>
    [JsonPropertyName("tokens_reserved_per_experiment")] public long TokensReservedPerExperiment { get; init; }

    /// <summary>The reservation's arithmetic in words; null when not known (no model, or read from the ledger alone).</summary>
    [JsonPropertyName("token_plan")] public string? TokenPlan { get; init; }

    /// <summary>The most tokens one of its experiments actually cost, from the ledger.</summary>
    [JsonPropertyName("tokens_per_experiment_max")] public long TokensPerExperimentMax { get; init; }

    /// <summary>Its share (0..1) of the next turns under <c>allocation: gain</c>; null under <c>fair</c>.</summary>
    [JsonPropertyName("allocation_share")] public double? AllocationShare { get; init; }

    /// <summary>Used ≤ budget for every limited resource (0 = no limit).</summary>
    [JsonPropertyName("within_budget")] public bool WithinBudget { get; init; }
}
