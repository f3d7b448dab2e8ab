using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Bench.Proposers.Synthetic;

/// <summary>The baseline-free sequential protocol: start from an empty history, propose, evaluate, repeat.</summary>
public static class OptimizationLoop
{
    /// <summary>
    /// Best objective seen after each trial (in the function's own direction). With observation noise, the noiseless value
    /// of the best observed point (what a user would keep), not the lucky noisy number.
    /// </summary>
    public static async Task<double[]> RunAsync(IProposer proposer, SyntheticFunction function, int trials, int seed,
        IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default, Action<Proposal>? onProposal = null)
    {
        var history = new List<Observation>(trials);
        var bestSoFar = new double[trials];
        bool maximize = function.Direction == Direction.Maximize;
        double best = maximize ? double.NegativeInfinity : double.PositiveInfinity;
        double bestTrue = best;
        var noise = new Random(unchecked(seed * 7919 + 17));
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
            onProposal?.Invoke(proposal);
            double truth = function.Evaluate(proposal.Parameters.ToText());
            double value = function.NoiseSd > 0 ? truth + function.NoiseSd * Gaussian(noise) : truth;
            history.Add(new Observation { Parameters = proposal.Parameters, Objective = value, Proposer = proposal.ProposerName });
            if (maximize ? value > best : value < best)
            {
                best = value;
                bestTrue = truth;
            }

            bestSoFar[t] = bestTrue;
        }

        return bestSoFar;
    }

    /// <summary>
    /// Whether a float, or an integer with at least 20 values, of <paramref name="parameters"/> sits exactly on its
    /// declared minimum or maximum (smaller integer ranges hit their ends by chance).
    /// </summary>
    public static bool OnBound(BenchmarkSpec spec, IReadOnlyDictionary<string, string> parameters) =>
        spec.Parameters.Any(p => p.Type != ParameterType.Choice && p.Min < p.Max && (p.Type == ParameterType.Float || p.Max - p.Min >= 19)
            && double.TryParse(parameters[p.Name], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            && (v <= p.Min || v >= p.Max));

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
