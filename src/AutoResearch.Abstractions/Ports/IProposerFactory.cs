using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Builds the proposer an agent's spec names.</summary>
public interface IProposerFactory
{
    /// <summary>Strategy names this factory can build.</summary>
    IReadOnlyCollection<string> Strategies { get; }

    IProposer Create(AgentSpec agent);
}
