using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers.Encoding;
using AutoResearch.Proposers.Models;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers;

/// <summary>
/// CMA-ES on the unit-cube encoding (one coordinate per parameter; a choice is the bucket its coordinate falls in).
/// Proposers keep no state between calls, so each call rebuilds the search distribution from the shared history:
/// finished runs in history order form generations of λ = 4 + ⌊3 ln n⌋ and each complete generation updates mean,
/// step size and covariance as injected solutions (see <see cref="CmaEvolution"/>). The proposal is a draw from the
/// current distribution, seeded by (seed, round), redrawn while it repeats a finished or pending point.
/// Settings: <c>population</c> (λ, default 4 + ⌊3 ln n⌋); σ₀ is 1/6 of each range.
/// </summary>
public sealed class CmaEsProposer : EncodedSpaceProposer
{
    public const string StrategyName = "cmaes";

    public CmaEsProposer()
        : base(StrategyName)
    {
    }

    private protected override Proposal Propose(ProposalContext context, ParameterSpace space, EncodedHistory history)
    {
        (double[] point, string text) = Next(space, history, context.Settings, SeededRandom.Create(context.Seed, context.Round, StrategyName));
        return Make(space.Decode(point), text);
    }

    /// <summary>The search distribution rebuilt from the history.</summary>
    internal static CmaEvolution Rebuild(ParameterSpace space, EncodedHistory history, IReadOnlyDictionary<string, string> settings)
    {
        int defaultLambda = 4 + (int)Math.Floor(3 * Math.Log(Math.Max(1, space.Count)));
        int lambda = ProposerSettings.GetInt(settings, "population", defaultLambda, 4, 1000);
        var cma = new CmaEvolution(space.Count, lambda);
        cma.Replay(history.Points.Select(space.ToUnitRow).ToList(), history.Losses);
        return cma;
    }

    /// <summary>Up to <paramref name="count"/> distinct draws (model vectors) that repeat no finished or pending point.</summary>
    internal static List<double[]> Draws(ParameterSpace space, EncodedHistory history, CmaEvolution cma, Random rng, int count) =>
        UntakenDraws(space, history, () => space.FromUnitRow(cma.Sample(rng)), count);

    /// <summary>The next model vector and its one-line reason.</summary>
    internal static (double[] Point, string Why) Next(ParameterSpace space, EncodedHistory history, IReadOnlyDictionary<string, string> settings, Random rng)
    {
        CmaEvolution cma = Rebuild(space, history, settings);

        for (int attempt = 0; attempt < 64; attempt++)
        {
            double[] x = space.FromUnitRow(cma.Sample(rng));
            if (!history.Keys.Contains(space.Key(x)))
            {
                string text = string.Create(CultureInfo.InvariantCulture,
                    $"CMA-ES draw at {space.Describe(x)}: generation {cma.Generations + 1} of {cma.Lambda}, step size {cma.Sigma:G2} of the range{(cma.Restarts > 0 ? $", after {cma.Restarts} restart(s)" : "")}.");
                return (x, text);
            }
        }

        double[] y = InitialDesign.Untaken(space, history.Keys, rng);
        return (y, $"Random point at {space.Describe(y)}: the CMA-ES distribution has collapsed onto points already tried.");
    }
}
