using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers.Encoding;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers;

/// <summary>Uniform random search (log-uniform for log-scaled parameters), skipping points already tried or pending.</summary>
public sealed class RandomSearchProposer : ProposerBase
{
    public const string StrategyName = "random";

    public RandomSearchProposer()
        : base(StrategyName)
    {
    }

    internal override Proposal Propose(ProposalContext context)
    {
        var space = new ParameterSpace(context.Benchmark.Parameters);
        EncodedHistory history = EncodedHistory.Build(space, context);
        double[] x = InitialDesign.Untaken(space, history.Keys, SeededRandom.Create(context.Seed, context.Round, StrategyName));
        return Make(space.Decode(x), $"Random sample at {space.Describe(x)}: uniform exploration of the search space.");
    }
}
