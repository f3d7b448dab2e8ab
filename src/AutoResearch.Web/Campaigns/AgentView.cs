namespace AutoResearch.Web.Campaigns;

/// <summary>An agent in the live view: state, what it is doing, and its use against each budget (0 budget: no limit).</summary>
public sealed record AgentView(
    string Id,
    string Role,
    string Proposer,
    string? Model,
    string State,
    string Activity,
    string? ModelProblem,
    int Experiments,
    int Succeeded,
    int InFlight,
    double? Best,
    long TokensUsed,
    long TokenBudget,
    double CpuSecondsUsed,
    double CpuBudgetSeconds,
    double GpuSecondsUsed,
    double GpuBudgetSeconds,
    int Rejections = 0,
    int MaxRejections = 0,
    int BackOffTurnsLeft = 0)
{
    /// <summary>The failover that led to <see cref="Model"/>; null while its first endpoint answers.</summary>
    public string? Failover { get; init; }

    /// <summary>Its accepted new bests (leaderboard entries after the baseline).</summary>
    public int NewBests { get; init; }
}
