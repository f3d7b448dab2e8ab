using System.Globalization;
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
        var (context, output) = Window(agent);
        return new LlmProposer(agent, gateway, journal, fallback, context, output, loggers.CreateLogger<LlmProposer>());
    }

    /// <summary>The smallest context window and answer length among the agent's configured endpoints (every one must take its calls).</summary>
    private (int Context, int Output) Window(AgentSpec agent)
    {
        var endpoints = agent.Endpoints.Select(e => options.Value.Endpoints.GetValueOrDefault(e)).OfType<ModelEndpointOptions>().ToList();
        return endpoints.Count == 0 ? (0, 0) : (endpoints.Min(e => e.ContextTokens), endpoints.Min(e => e.MaxOutputTokens));
    }

    /// <summary>
    /// What one experiment of an <c>llm</c> agent may cost in tokens before any is measured (<see cref="TokenPlan"/>): with
    /// <paramref name="benchmark"/>, its prompt with no history plus the history and journal it will show; without, the context
    /// window's room. Null for agents that call no model (or name no configured endpoint).
    /// </summary>
    public TokenPlan? PlanFor(AgentSpec agent, BenchmarkSpec? benchmark = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (!IsModelAgent(agent)) return null;
        var (context, output) = Window(agent);
        if (context == 0) return null;
        var settings = LlmSettings.From(agent.Settings);
        var system = SystemTokens(agent);
        var plan = LlmProposer.PlanFor(settings, system, context, output, null, benchmark is null ? null : system + BenchmarkPromptTokens(agent, benchmark));
        return plan;
    }

    /// <summary>
    /// Why <paramref name="tokens"/> (an agent's or a campaign's token budget; 0 = no limit) cannot pay for a single model call
    /// of <paramref name="agent"/>, with the arithmetic; null when it can (or the agent calls no model). The smallest call is
    /// the system prompt, the benchmark's prompt with no history (with <paramref name="benchmark"/>; else the shortest prompt
    /// sent) and the longest answer asked for.
    /// </summary>
    public string? WhyNotAffordable(AgentSpec agent, BenchmarkSpec? benchmark, long tokens)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (tokens <= 0 || !IsModelAgent(agent)) return null;
        var (context, output) = Window(agent);
        if (context == 0) return null;
        var system = SystemTokens(agent);
        var user = benchmark is null ? MinimumUserPrompt : BenchmarkPromptTokens(agent, benchmark);
        var call = system + user + output;
        if (tokens >= call) return null;
        var c = CultureInfo.InvariantCulture;
        var prompt = benchmark is null ? "the shortest prompt the agent sends" : $"benchmark {benchmark.Name}'s prompt before any history";
        var plan = PlanFor(agent, benchmark);
        return string.Create(c,
            $"agent '{agent.Id}': a token budget of {tokens:N0} cannot pay for a single model call: one call needs at least {call:N0} tokens = " +
            $"system prompt ~{system:N0} + {prompt} ~{user:N0} + answer up to {output:N0} (MaxOutputTokens of its endpoints; prompts estimated at 3.5 characters a token). " +
            $"One experiment may cost {plan?.Describe()}. Raise the token budget to at least {call:N0} (better {plan?.OneExperiment ?? call:N0}) or lower MaxOutputTokens.");
    }

    /// <summary>The smallest user prompt a proposal call sends (it is never cut below this).</summary>
    private const long MinimumUserPrompt = 256;

    private static bool IsModelAgent(AgentSpec agent) => string.Equals(agent.Proposer?.Trim(), LlmSettings.StrategyName, StringComparison.OrdinalIgnoreCase);

    private static long SystemTokens(AgentSpec agent) =>
        TokenEstimator.Estimate([new Abstractions.Models.ModelMessage(Abstractions.Models.ModelRole.System, PromptBuilder.SystemPrompt(agent.Id, agent.Role))]);

    /// <summary>The benchmark's user prompt with no experiments, journal or notes yet (its task, parameters and editable files).</summary>
    private static long BenchmarkPromptTokens(AgentSpec agent, BenchmarkSpec benchmark)
    {
        var files = BenchmarkFiles.ReadEditable(benchmark);
        var facts = new PromptFacts(benchmark, BenchmarkFiles.ReadTask(benchmark), files, benchmark.Defaults(), null, agent.Id, "no limit");
        return Math.Max(MinimumUserPrompt, TokenEstimator.Estimate(PromptBuilder.UserPrompt(facts, [], [], [], long.MaxValue)) + 4);
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
        return WhyNotAffordable(agent, null, agent.TokenBudget);
    }
}
