using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>An agent's progress and budget use.</summary>
[GenerateSerializer, Immutable]
public sealed record AgentStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Role { get; init; }
    [Id(2)] public required string Proposer { get; init; }
    [Id(3)] public string? Model { get; init; }
    [Id(4)] public AgentState State { get; init; }
    [Id(5)] public int Experiments { get; init; }
    [Id(6)] public int Succeeded { get; init; }
    [Id(7)] public long TokensUsed { get; init; }
    [Id(8)] public long TokenBudget { get; init; }
    [Id(9)] public double GpuSecondsUsed { get; init; }
    [Id(10)] public double GpuBudgetSeconds { get; init; }
    [Id(11)] public double CpuSecondsUsed { get; init; }
    [Id(12)] public double CpuBudgetSeconds { get; init; }
    [Id(13)] public double? Best { get; init; }

    /// <summary>One line on what the agent is doing now.</summary>
    [Id(14)] public string Activity { get; init; } = "";

    public static AgentStatus Initial(AgentSpec spec) => new()
    {
        Id = spec.Id,
        Role = spec.Role,
        Proposer = spec.Proposer,
        Model = spec.Model,
        TokenBudget = spec.TokenBudget,
        GpuBudgetSeconds = spec.GpuBudgetSeconds,
        CpuBudgetSeconds = spec.CpuBudgetSeconds,
    };
}
