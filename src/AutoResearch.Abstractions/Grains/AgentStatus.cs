using AutoResearch.Abstractions.Specs;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Abstractions.Grains;

/// <summary>An agent's progress and budget use.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.AgentStatus")]
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

    /// <summary>The experiment <see cref="Activity"/> is about (waiting for a slot, running); null when it is about none. A view that
    /// knows from the ledger that this experiment has finished knows the line is stale.</summary>
    [Id(42)] public int? ActivitySequence { get; init; }

    /// <summary>Share of the fleet relative to the campaign's other agents.</summary>
    [Id(15)] public double Weight { get; init; } = 1;

    /// <summary>Experiments it has in flight (holding a slot or waiting for one).</summary>
    [Id(16)] public int InFlight { get; init; }

    /// <summary>Worst-case use reserved for its in-flight experiments.</summary>
    [Id(17)] public ResourceUse Reserved { get; init; } = ResourceUse.Zero;

    /// <summary>Experiments stopped early, and the CPU/GPU-seconds their early stop refunded (reserved minus used).</summary>
    [Id(18)] public int Pruned { get; init; }
    [Id(19)] public ResourceUse Refunded { get; init; } = ResourceUse.Zero;

    /// <summary>A model problem worth seeing (e.g. "no model answers; tpe proposes"), null while its models answer.</summary>
    [Id(20)] public string? ModelProblem { get; init; }

    /// <summary>
    /// Proposals rejected before they ran (they cost no experiment, see <see cref="Experiments.ModelTurnPolicy"/>) and the
    /// agent's allowance of them (0 for agents without one).
    /// </summary>
    [Id(21)] public int Rejections { get; init; }
    [Id(22)] public int MaxRejections { get; init; }

    /// <summary>Turns left of the current back-off to the fallback optimizer (0 when the model is asked), and whether the allowance is used up.</summary>
    [Id(23)] public int BackOffTurnsLeft { get; init; }
    [Id(24)] public bool RejectionsUsedUp { get; init; }

    /// <summary>Why it stopped proposing (typed; <see cref="Activity"/> is its display line); None while it runs.</summary>
    [Id(40)] public AgentStopReason StopReason { get; init; }

    /// <summary>The stop's detail: the budget problem, the campaign's refusal, the error; null while it runs.</summary>
    [Id(41)] public string? StopDetail { get; init; }

    /// <summary>
    /// Tokens reserved from its budget for each experiment (model agents): measured prompt + longest answer (+ the repair round and
    /// the reflection when enabled), capped at the token budget; 0 for agents that call no model or before it is known.
    /// </summary>
    [Id(30)] public long TokensPerExperiment { get; init; }

    /// <summary>That reservation's arithmetic in words (e.g. <c>proposal 3,100 (prompt ~1,052 measured + answer ≤ 2,048) + … = 11,276 tokens</c>).</summary>
    [Id(31)] public string? TokenPlan { get; init; }

    /// <summary>Tokens left in its budget (budget − used − reserved for experiments in flight); null without a token budget.</summary>
    public long? TokensRemaining => TokenBudget > 0 ? Math.Max(0, TokenBudget - TokensUsed - Reserved.Tokens) : null;

    public ResourceUse Used => new() { Tokens = TokensUsed, GpuSeconds = GpuSecondsUsed, CpuSeconds = CpuSecondsUsed };

    public BudgetSpec Budget => new() { Tokens = TokenBudget, GpuSeconds = GpuBudgetSeconds, CpuSeconds = CpuBudgetSeconds };

    /// <summary>
    /// The agent as its campaign shows it: while the campaign is paused an agent that would be running starts nothing new, so it
    /// reads as paused (with what it still has running), whatever its own last report said. One rule for every view.
    /// </summary>
    public AgentStatus InCampaign(CampaignState campaign) =>
        campaign == CampaignState.Paused && State is AgentState.Running or AgentState.Idle
            ? this with { State = AgentState.Paused, Activity = InFlight > 0 ? $"campaign paused; {InFlight} in flight finish or wait" : "campaign paused" }
            : this;

    public static AgentStatus Initial(AgentSpec spec) => new()
    {
        Id = spec.Id,
        Role = spec.Role,
        Proposer = spec.Proposer,
        Model = spec.Model,
        TokenBudget = spec.TokenBudget,
        GpuBudgetSeconds = spec.GpuBudgetSeconds,
        CpuBudgetSeconds = spec.CpuBudgetSeconds,
        Weight = spec.Weight,
    };
}
