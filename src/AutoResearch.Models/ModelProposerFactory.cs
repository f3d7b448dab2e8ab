using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Models.Research;
using AutoResearch.Proposers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutoResearch.Models;

/// <summary>The built-in optimizers plus <c>llm</c>: agents driven by a language model through <see cref="IModelGateway"/>.</summary>
public sealed class ModelProposerFactory(
    ProposerFactory builtIns,
    IModelGateway gateway,
    IJournal journal,
    IOptions<ModelOptions> options,
    ILoggerFactory loggers) : IProposerFactory
{
    public IReadOnlyCollection<string> Strategies => [.. builtIns.Strategies, LlmSettings.StrategyName];

    /// <exception cref="ArgumentException">The agent names an unknown strategy, no model, an unusable endpoint, or an unknown fallback.</exception>
    public IProposer Create(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (!string.Equals(agent.Proposer?.Trim(), LlmSettings.StrategyName, StringComparison.OrdinalIgnoreCase)) return builtIns.Create(agent);
        if (WhyNotUsable(agent) is { } problem) throw new ArgumentException(problem, nameof(agent));

        var settings = LlmSettings.From(agent.Settings);
        var fallback = builtIns.Create(agent with { Proposer = settings.Fallback, Model = null });
        var endpoints = agent.Endpoints.Select(e => options.Value.Endpoints.GetValueOrDefault(e)).OfType<ModelEndpointOptions>().ToList();
        var context = endpoints.Min(e => e.ContextTokens);
        var output = endpoints.Min(e => e.MaxOutputTokens);
        return new LlmProposer(agent, gateway, journal, fallback, context, output, loggers.CreateLogger<LlmProposer>());
    }

    /// <summary>Why the agent's proposer cannot be built; null when it can (built-in optimizers always can).</summary>
    public string? WhyNotUsable(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (!string.Equals(agent.Proposer?.Trim(), LlmSettings.StrategyName, StringComparison.OrdinalIgnoreCase))
            return builtIns.Strategies.Contains(agent.Proposer?.Trim().ToLowerInvariant() ?? "") ? null : $"agent '{agent.Id}': unknown proposer '{agent.Proposer}'";
        if (agent.Endpoints.Count == 0) return $"agent '{agent.Id}' uses proposer 'llm' but names no model endpoint";
        var problems = agent.Endpoints.Select(gateway.WhyNotUsable).OfType<string>().ToList();
        if (problems.Count > 0) return $"agent '{agent.Id}': {string.Join("; ", problems)}";
        var fallback = LlmSettings.From(agent.Settings).Fallback;
        if (!builtIns.Strategies.Contains(fallback) || fallback == LlmSettings.StrategyName)
            return $"agent '{agent.Id}': fallback '{fallback}' is not a built-in optimizer ({string.Join(", ", builtIns.Strategies)})";
        return null;
    }
}
