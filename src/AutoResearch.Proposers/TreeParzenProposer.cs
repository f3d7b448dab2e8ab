using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers.Encoding;
using AutoResearch.Proposers.Models;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers;

/// <summary>
/// Tree-structured Parzen estimator (multivariate): splits results into the best γ fraction and the rest,
/// models each with a Parzen estimator and proposes the candidate drawn from the "good" model with the
/// largest density ratio good/bad. Failed and pending runs count as bad (constant liar).
/// Settings: <c>n_init</c> (space-filling proposals first, default parameters + 1 clamped to [5, 10]),
/// <c>gamma</c> (good fraction, default 0.2, at most 25 good points),
/// <c>candidates</c> (draws scored per proposal, default 24).
/// </summary>
public sealed class TreeParzenProposer : EncodedSpaceProposer
{
    public const string StrategyName = "tpe";

    private const double PriorWeight = 1.0;
    private const int MaxGood = 25;

    public TreeParzenProposer()
        : base(StrategyName)
    {
    }

    private protected override Proposal Propose(ProposalContext context, ParameterSpace space, EncodedHistory history)
    {
        if (DesignPoint(context, space, history, 5, 10, 1, out _) is { } design)
        {
            return Make(space.Decode(design), $"Space-filling design point at {space.Describe(design)}: too few results for density estimates yet.");
        }

        int candidates = ProposerSettings.GetInt(context.Settings, "candidates", 24, 1, 10_000);
        Random rng = SeededRandom.Create(context.Seed, context.Round, StrategyName);
        (ParzenEstimator below, ParzenEstimator above, int good, int count) = Estimators(space, history, context.Settings);
        double[]? best = null;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < candidates; i++)
        {
            double[] c = below.Sample(rng);
            double score = below.LogDensity(c) - above.LogDensity(c);
            if (score > bestScore && !history.Keys.Contains(space.Key(space.FromCompact(c))))
            {
                best = c;
                bestScore = score;
            }
        }

        if (best is null)
        {
            double[] x = InitialDesign.Untaken(space, history.Keys, rng);
            return Make(space.Decode(x), $"Random point at {space.Describe(x)}: every density-ratio candidate was already tried.");
        }

        double[] point = space.FromCompact(best);
        string text = string.Create(CultureInfo.InvariantCulture,
            $"TPE pick at {space.Describe(point)}: good/bad density ratio {Math.Exp(bestScore):G3}, good = best {good} of {count} results.");
        return Make(space.Decode(point), text);
    }

    /// <summary>The "good" and "bad" Parzen estimators over the history (compact vectors), the good count and the total.</summary>
    internal static (ParzenEstimator Below, ParzenEstimator Above, int Good, int Count) Estimators(ParameterSpace space, EncodedHistory history, IReadOnlyDictionary<string, string> settings)
    {
        double gamma = ProposerSettings.GetDouble(settings, "gamma", 0.2, 0.01, 0.5);

        // Failed and pending points are worst (+∞); order is stable so ties keep history order.
        var all = history.Points.Select((p, i) => (Point: space.ToCompact(p), Loss: history.Losses[i] ?? double.PositiveInfinity))
            .Concat(history.Pending.Select(p => (Point: space.ToCompact(p), Loss: double.PositiveInfinity)))
            .OrderBy(e => e.Loss)
            .ToList();
        int good = Math.Clamp((int)Math.Ceiling(gamma * all.Count), 1, Math.Min(MaxGood, history.SuccessCount));
        var below = new ParzenEstimator(space, all.Take(good).Select(e => e.Point).ToList(), PriorWeight);
        var above = new ParzenEstimator(space, all.Skip(good).Select(e => e.Point).ToList(), PriorWeight);

        return (below, above, good, all.Count);
    }
}
