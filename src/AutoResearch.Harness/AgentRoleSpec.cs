namespace AutoResearch.Harness;

/// <summary>A validated agent role file (<c>agents/&lt;role&gt;.yaml</c>): how agents of this role propose, and their default budgets.</summary>
public sealed record AgentRoleSpec
{
    /// <summary>The role's name (its <c>name:</c>; may differ from the file name).</summary>
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Proposer strategy, one of the known strategies (<c>gp</c>, <c>tpe</c>, <c>random</c> by default).</summary>
    public required string Proposer { get; init; }

    /// <summary>Model name for model-driven proposers; null for built-in optimizers.</summary>
    public string? Model { get; init; }

    /// <summary><c>failover</c>: model endpoints to try, in order, when <see cref="Model"/> does not answer.</summary>
    public List<string> Failover { get; init; } = [];

    /// <summary>Free-form strategy settings (scalar text as written, e.g. <c>exploration</c> → <c>0.3</c>).</summary>
    public Dictionary<string, string> Settings { get; init; } = new(StringComparer.Ordinal);

    /// <summary><c>budgets.tokens</c>; 0 when not given.</summary>
    public long TokenBudget { get; init; }

    /// <summary><c>budgets.gpu_seconds</c>; 0 when not given.</summary>
    public double GpuBudgetSeconds { get; init; }

    /// <summary><c>budgets.cpu_seconds</c>; 0 when not given.</summary>
    public double CpuBudgetSeconds { get; init; }

    /// <summary><c>weight</c>: the default fleet share of agents of this role relative to the campaign's other agents; 1 when not given.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Absolute path of the role file.</summary>
    public string SourceFile { get; init; } = "";
}
