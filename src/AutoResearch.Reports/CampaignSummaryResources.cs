using System.Text.Json.Serialization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>Amounts of the budgeted resources in a <see cref="CampaignSummary"/>: a budget (0 = no limit) or what was used.</summary>
public sealed record CampaignSummaryResources
{
    [JsonPropertyName("tokens")] public long Tokens { get; init; }
    [JsonPropertyName("cpu_seconds")] public double CpuSeconds { get; init; }
    [JsonPropertyName("gpu_seconds")] public double GpuSeconds { get; init; }

    public static CampaignSummaryResources From(BudgetSpec budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return new() { Tokens = budget.Tokens, CpuSeconds = budget.CpuSeconds, GpuSeconds = budget.GpuSeconds };
    }

    public static CampaignSummaryResources From(ResourceUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return new() { Tokens = use.Tokens, CpuSeconds = use.CpuSeconds, GpuSeconds = use.GpuSeconds };
    }
}
