using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers;

/// <summary>Builds the built-in optimizers: <c>gp</c>, <c>tpe</c>, <c>random</c>, <c>ablation</c>, <c>cmaes</c> and <c>portfolio</c>.</summary>
public sealed class ProposerFactory : IProposerFactory
{
    private static readonly string[] Known =
    [
        GaussianProcessProposer.StrategyName, TreeParzenProposer.StrategyName, RandomSearchProposer.StrategyName, AblationProposer.StrategyName,
        CmaEsProposer.StrategyName, PortfolioProposer.StrategyName,
    ];

    public IReadOnlyCollection<string> Strategies => Known;

    /// <exception cref="ArgumentException">The agent names a strategy this factory does not know.</exception>
    public IProposer Create(AgentSpec agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Proposer?.Trim().ToLowerInvariant() switch
        {
            GaussianProcessProposer.StrategyName => new GaussianProcessProposer(),
            TreeParzenProposer.StrategyName => new TreeParzenProposer(),
            RandomSearchProposer.StrategyName => new RandomSearchProposer(),
            AblationProposer.StrategyName => new AblationProposer(),
            CmaEsProposer.StrategyName => new CmaEsProposer(),
            PortfolioProposer.StrategyName => new PortfolioProposer(),
            _ => throw new ArgumentException(
                $"Unknown proposer strategy '{agent.Proposer}' for agent '{agent.Id}'; known strategies: {string.Join(", ", Known)}.",
                nameof(agent)),
        };
    }
}
