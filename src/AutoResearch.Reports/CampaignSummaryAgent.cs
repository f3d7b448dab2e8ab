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

    /// <summary>Used ≤ budget for every limited resource (0 = no limit).</summary>
    [JsonPropertyName("within_budget")] public bool WithinBudget { get; init; }
}
