namespace AutoResearch.Reports;

/// <summary>One agent's share of a campaign.</summary>
public sealed record AgentReportRow
{
    public required string Id { get; init; }
    public string Role { get; init; } = "";
    public string Proposer { get; init; } = "";
    public string? Model { get; init; }

    /// <summary>The failover that led to <see cref="Model"/> ("first: why; second answers"); null while its first endpoint answers.</summary>
    public string? Failover { get; init; }
    public int Experiments { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }

    /// <summary>Its proposals rejected before they ran (no experiments; not in <see cref="Experiments"/> or <see cref="Failed"/>).</summary>
    public int Rejections { get; init; }

    /// <summary>How many of its results were a new campaign best when they finished.</summary>
    public int NewBests { get; init; }

    public double? Best { get; init; }
    public string? BestExperimentId { get; init; }
    public double CpuSeconds { get; init; }
    public double GpuSeconds { get; init; }

    /// <summary>0 when the agent has no CPU budget.</summary>
    public double CpuBudgetSeconds { get; init; }

    /// <summary>0 when the agent has no GPU budget.</summary>
    public double GpuBudgetSeconds { get; init; }

    /// <summary>Model tokens used (see <see cref="RunStatistics.TokensUsed"/>) and the token budget (0 = no limit).</summary>
    public long Tokens { get; init; }
    public long TokenBudget { get; init; }

    /// <summary>Experiments its benchmark's early-stopping rule stopped (neither succeeded nor failed).</summary>
    public int Pruned { get; init; }

    /// <summary>CPU- and GPU-seconds those early stops gave back to the budget (reserved worst case − used).</summary>
    public double CpuSecondsRefunded { get; init; }
    public double GpuSecondsRefunded { get; init; }

    /// <summary>Used ≤ budget for every limited resource, against the budgets in the campaign file.</summary>
    public bool WithinBudget { get; init; }

    /// <summary>True when the budget differs from the campaign file's because it was changed while the campaign ran.</summary>
    public bool BudgetChanged { get; init; }

    /// <summary>What it tried, its accepted bests, its journal and its resource use over time.</summary>
    public AgentNarrative Narrative { get; init; } = new();
}
