using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Bench.Proposers.Synthetic;

/// <summary>The baseline-free sequential protocol: start from an empty history, propose, evaluate, repeat.</summary>
public static class OptimizationLoop
{
    /// <summary>Best objective seen after each trial (in the function's own direction).</summary>
    public static async Task<double[]> RunAsync(IProposer proposer, SyntheticFunction function, int trials, int seed,
        IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default)
    {
        var history = new List<Observation>(trials);
        var bestSoFar = new double[trials];
        bool maximize = function.Direction == Direction.Maximize;
        double best = maximize ? double.NegativeInfinity : double.PositiveInfinity;
        for (int t = 0; t < trials; t++)
        {
            var context = new ProposalContext
            {
                Benchmark = function.Spec,
                History = history.ToList(),
                Seed = seed,
                Round = t,
                Settings = settings ?? new Dictionary<string, string>(),
            };
            Proposal proposal = await proposer.ProposeAsync(context, cancellationToken);
            double value = function.Evaluate(proposal.Parameters);
            history.Add(new Observation { Parameters = proposal.Parameters, Objective = value });
            best = maximize ? Math.Max(best, value) : Math.Min(best, value);
            bestSoFar[t] = best;
        }

        return bestSoFar;
    }
}
