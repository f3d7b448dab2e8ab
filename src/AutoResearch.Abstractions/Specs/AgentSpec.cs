namespace AutoResearch.Abstractions.Specs;

/// <summary>One research agent of a campaign: its role, how it proposes, and its budgets.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.AgentSpec")]
public sealed record AgentSpec
{
    /// <summary>The proposer strategy of agents driven by a language model (they name <see cref="Model"/> endpoints).</summary>
    public const string ModelProposer = "llm";

    /// <summary>Unique within the campaign (e.g. <c>explorer-1</c>).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Role name from <c>agents/&lt;role&gt;.yaml</c>.</summary>
    [Id(1)] public required string Role { get; init; }

    /// <summary>Proposer strategy: <c>gp</c>, <c>tpe</c>, <c>random</c> (or a model proposer, later).</summary>
    [Id(2)] public required string Proposer { get; init; }

    /// <summary>Model name for model-driven proposers; null for built-in optimizers.</summary>
    [Id(3)] public string? Model { get; init; }

    [Id(4)] public long TokenBudget { get; init; }
    [Id(5)] public double GpuBudgetSeconds { get; init; }
    [Id(6)] public double CpuBudgetSeconds { get; init; }

    /// <summary>Seed for the agent's proposer; distinct agents get distinct seeds.</summary>
    [Id(7)] public int Seed { get; init; }

    /// <summary>Strategy settings from the role file (free-form key/values, e.g. <c>exploration: 0.2</c>).</summary>
    [Id(8)] public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>Share of the fleet relative to the campaign's other agents (weighted fair share).</summary>
    [Id(9)] public double Weight { get; init; } = 1;

    /// <summary>Model endpoints to fall back to, in order, when <see cref="Model"/> does not answer (model proposers).</summary>
    [Id(10)] public List<string> Failover { get; init; } = [];

    /// <summary><see cref="Model"/> then <see cref="Failover"/>: every endpoint the agent may ask, in order.</summary>
    public IReadOnlyList<string> Endpoints => Model is { Length: > 0 } m ? [m, .. Failover.Where(f => f != m)] : Failover;

    /// <summary>The agent's budget as one value (0 = no limit per resource).</summary>
    public BudgetSpec Budget => new() { Tokens = TokenBudget, GpuSeconds = GpuBudgetSeconds, CpuSeconds = CpuBudgetSeconds };
}
