using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Models.Research;

/// <summary>What every proposal prompt states, whatever is trimmed: the benchmark, its task, the current best and its code, who asks, the budget left.</summary>
/// <param name="Task">The benchmark's task description (program.md), if any.</param>
/// <param name="CurrentFiles">The editable files as the current best has them.</param>
/// <param name="BestParameters">The current best's parameters (the defaults before any best).</param>
public sealed record PromptFacts(
    BenchmarkSpec Benchmark,
    string? Task,
    IReadOnlyDictionary<string, string> CurrentFiles,
    ParameterSet BestParameters,
    LeaderboardEntry? Best,
    string AgentId,
    string BudgetLeft)
{
    /// <summary>The random tag of this prompt's DATA blocks (see <see cref="UntrustedText"/>).</summary>
    public string DataTag { get; init; } = UntrustedText.NewTag();

    /// <summary>Why this agent's latest proposals were rejected before they ran (shown in a DATA block so the model can avoid it).</summary>
    public IReadOnlyList<string> RecentRejections { get; init; } = [];
}
