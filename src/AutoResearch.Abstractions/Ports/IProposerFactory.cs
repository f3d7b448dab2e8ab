using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Builds the proposer an agent's spec names.</summary>
public interface IProposerFactory
{
    /// <summary>Strategy names this factory can build.</summary>
    IReadOnlyCollection<string> Strategies { get; }

    IProposer Create(AgentSpec agent);

    /// <summary>Why <see cref="Create"/> would fail for <paramref name="agent"/> (e.g. an unconfigured model endpoint); null when it would not.</summary>
    string? WhyNotUsable(AgentSpec agent) => Strategies.Contains(agent.Proposer) ? null : $"agent '{agent.Id}': unknown proposer '{agent.Proposer}'";
}
