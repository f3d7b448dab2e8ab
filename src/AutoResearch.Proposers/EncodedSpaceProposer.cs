using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers.Encoding;

namespace AutoResearch.Proposers;

/// <summary>
/// A strategy that searches the encoded parameter space: the benchmark's parameters are encoded once per call, a
/// benchmark without parameters gets a "nothing to tune" proposal, and the history is encoded for the strategy.
/// </summary>
public abstract class EncodedSpaceProposer : ProposerBase
{
    private protected EncodedSpaceProposer(string name)
        : base(name)
    {
    }

    internal sealed override Proposal Propose(ProposalContext context)
    {
        var space = new ParameterSpace(context.Benchmark.Parameters);
        if (space.Count == 0)
        {
            return Make([], "Nothing to tune: the benchmark declares no parameters.");
        }

        return Propose(context, space, EncodedHistory.Build(space, context));
    }

    /// <summary>The proposal over a non-empty <paramref name="space"/> given the encoded <paramref name="history"/>.</summary>
    private protected abstract Proposal Propose(ProposalContext context, ParameterSpace space, EncodedHistory history);

    /// <summary>
    /// The next space-filling design point (seeded by seed, round and this strategy's name) while there are fewer than
    /// <c>n_init</c> distinct points tried or pending (default parameters + 1 clamped to [<paramref name="low"/>,
    /// <paramref name="high"/>]) or fewer than <paramref name="minSuccesses"/> successful runs; null once the strategy's
    /// model takes over. Distinct points, not runs: a campaign's baseline runs several times (its noise measurement),
    /// and counting those repeats as design points cut the design short (measured on bench/real: with three baseline
    /// runs, a five-parameter space got two design points instead of five before the models took over).
    /// </summary>
    private protected double[]? DesignPoint(ProposalContext context, ParameterSpace space, EncodedHistory history,
        int low, int high, int minSuccesses, out int initial)
    {
        initial = ProposerSettings.GetInt(context.Settings, "n_init", Math.Clamp(space.Count + 1, low, high), 1, 1000);
        return history.Keys.Count < initial || history.SuccessCount < minSuccesses
            ? InitialDesign.Next(space, history, initial, context.Seed, context.Round, Name)
            : null;
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct points (model vectors) from <paramref name="draw"/> that repeat no finished
    /// or pending point, in at most 16 · <paramref name="count"/> draws.
    /// </summary>
    internal static List<double[]> UntakenDraws(ParameterSpace space, EncodedHistory history, Func<double[]> draw, int count)
    {
        var draws = new List<double[]>(count);
        var keys = new HashSet<string>(history.Keys, StringComparer.Ordinal);
        for (int attempt = 0; attempt < 16 * count && draws.Count < count; attempt++)
        {
            double[] x = draw();
            if (keys.Add(space.Key(x)))
            {
                draws.Add(x);
            }
        }

        return draws;
    }
}
