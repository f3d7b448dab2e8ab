namespace AutoResearch.Reports;

/// <summary>One agent's share of a campaign.</summary>
public sealed record AgentReportRow
{
    public required string Id { get; init; }
    public string Role { get; init; } = "";
    public string Proposer { get; init; } = "";
    public string? Model { get; init; }
    public int Experiments { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }

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
}
