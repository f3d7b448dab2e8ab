using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Proposers.Encoding;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers;

/// <summary>
/// Hedges among GP-EI (<c>gp</c>), TPE (<c>tpe</c>), CMA-ES (<c>cmaes</c>) and random search (<c>random</c>). After a
/// shared space-filling design, each proposal goes to one member drawn with probability ∝ prior weight ·
/// exp(rate · recent gain), mixed with a 10 % uniform floor so no member starves. A member's gain is read back from the
/// shared history: every finished run names its proposer (<see cref="Observation.Proposer"/>: <c>portfolio:gp</c>,
/// or a plain <c>gp</c> agent's <c>gp</c>), and is credited with the share of earlier successful results it beat
/// (1 = a new best, 0 = failed or worst); the member's recent gain is the average of its credits, newest weighted
/// most (decay 0.7 per run, one pseudo-run at 0.5). Every member learns from every point, whoever proposed it.
/// The cmaes and tpe members are screened by the GP: each proposes, of 10 draws from its own distribution, the one of
/// largest expected improvement (setting <c>screen: 0</c> turns this off).
/// The draw is seeded by (seed, round): the same history, seed and round give the same proposal.
/// Settings: <c>weights</c> (prior shares, default <c>gp=0.4,tpe=0.2,cmaes=0.3,random=0.1</c>; 0 drops a member),
/// <c>hedge_rate</c> (default 4), <c>n_init</c> (design points, default parameters + 1 clamped to [4, 8]); the members
/// read their own settings (<c>exploration</c>, <c>gamma</c>, …) from the same map.
/// </summary>
public sealed class PortfolioProposer : EncodedSpaceProposer
{
    public const string StrategyName = "portfolio";

    /// <summary>Members in a fixed order (the order of the weights in hypotheses).</summary>
    public static readonly IReadOnlyList<string> Members =
        [GaussianProcessProposer.StrategyName, TreeParzenProposer.StrategyName, CmaEsProposer.StrategyName, RandomSearchProposer.StrategyName];

    private const double Floor = 0.1;
    private const int ScreenedDraws = 10;
    private const double Decay = 0.7;
    private static readonly double[] DefaultWeights = [0.4, 0.2, 0.3, 0.1];

    private readonly GaussianProcessProposer gp = new();
    private readonly TreeParzenProposer tpe = new();
    private readonly CmaEsProposer cmaes = new();
    private readonly RandomSearchProposer random = new();

    public PortfolioProposer()
        : base(StrategyName)
    {
    }

    /// <summary>The proposer name a member's proposal is recorded under, e.g. <c>portfolio:gp</c>.</summary>
    public static string Label(string member) => StrategyName + ":" + member;

    private protected override Proposal Propose(ProposalContext context, ParameterSpace space, EncodedHistory history)
    {
        if (DesignPoint(context, space, history, 4, 8, 2, out _) is { } x)
        {
            return new Proposal
            {
                Parameters = space.Decode(x),
                Hypothesis = $"Space-filling design point at {space.Describe(x)}: too few results for the portfolio's models yet.",
                ProposerName = Label("design"),
            };
        }

        double[] probabilities = Allocation(context.History, history.Losses, context.Settings, out double[] gains);
        Random rng = SeededRandom.Create(context.Seed, context.Round, StrategyName);
        double u = rng.NextDouble();
        int pick = 0;
        for (double acc = probabilities[0]; pick < Members.Count - 1 && u >= acc; acc += probabilities[++pick])
        {
        }

        string member = Members[pick];
        Proposal inner = member switch
        {
            GaussianProcessProposer.StrategyName => gp.Propose(context),
            TreeParzenProposer.StrategyName => ScreenedTpe(space, history, context) ?? tpe.Propose(context),
            CmaEsProposer.StrategyName => ScreenedCmaEs(space, history, context) ?? cmaes.Propose(context),
            _ => random.Propose(context),
        };
        string shares = string.Join(", ", Members.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"{m} {probabilities[i]:P0} (gain {gains[i]:F2})")));
        return inner with
        {
            ProposerName = Label(member),
            Hypothesis = $"{inner.Hypothesis.TrimEnd('.')} [portfolio drew {member}; shares {shares}].",
        };
    }

    /// <summary>
    /// The CMA-ES member with surrogate pre-screening: of <see cref="ScreenedDraws"/> draws from the CMA-ES distribution,
    /// the one of largest expected improvement under the GP (null when no model can be fitted or nothing new is drawn).
    /// </summary>
    private Proposal? ScreenedCmaEs(ParameterSpace space, EncodedHistory history, ProposalContext context)
    {
        if (!Screening(history, context))
        {
            return null;
        }

        Random rng = SeededRandom.Create(context.Seed, context.Round, StrategyName + "-cmaes");
        Models.CmaEvolution cma = CmaEsProposer.Rebuild(space, history, context.Settings);
        List<double[]> draws = CmaEsProposer.Draws(space, history, cma, rng, ScreenedDraws);
        return MostPromising(space, history, context, rng, draws, cmaes.Name, (point, n) => string.Create(CultureInfo.InvariantCulture,
            $"CMA-ES draw at {space.Describe(point)}: the most promising under the GP of {n} draws from generation {cma.Generations + 1} (step size {cma.Sigma:G2} of the range)."));
    }

    /// <summary>
    /// The TPE member with surrogate pre-screening: of <see cref="ScreenedDraws"/> draws from TPE's "good" density, the
    /// one of largest expected improvement under the GP (null when no model can be fitted or nothing new is drawn).
    /// </summary>
    private Proposal? ScreenedTpe(ParameterSpace space, EncodedHistory history, ProposalContext context)
    {
        if (!Screening(history, context))
        {
            return null;
        }

        Random rng = SeededRandom.Create(context.Seed, context.Round, StrategyName + "-tpe");
        (Models.ParzenEstimator below, _, int good, int count) = TreeParzenProposer.Estimators(space, history, context.Settings);
        List<double[]> draws = UntakenDraws(space, history, () => space.FromCompact(below.Sample(rng)), ScreenedDraws);
        return MostPromising(space, history, context, rng, draws, tpe.Name, (point, n) => string.Create(CultureInfo.InvariantCulture,
            $"TPE draw at {space.Describe(point)}: the most promising under the GP of {n} draws from the density of the best {good} of {count} results."));
    }

    /// <summary>Whether a member's draws are screened by the GP: <c>screen</c> is on and there are two successful results to fit.</summary>
    private static bool Screening(EncodedHistory history, ProposalContext context) =>
        ProposerSettings.GetInt(context.Settings, "screen", 1, 0, 1) != 0 && history.SuccessCount >= 2;

    /// <summary>The draw of largest expected improvement under the GP, proposed under <paramref name="member"/> (null when there is no draw).</summary>
    private static Proposal? MostPromising(ParameterSpace space, EncodedHistory history, ProposalContext context, Random rng,
        List<double[]> draws, string member, Func<double[], int, string> describe)
    {
        if (draws.Count == 0)
        {
            return null;
        }

        GaussianProcessProposer.Surrogate surrogate = GaussianProcessProposer.BuildSurrogate(space, history, context.Settings, rng);
        Models.Candidate best = draws.Select(surrogate.Search.Evaluate).MaxBy(c => c.LogEi)!;
        return new Proposal { Parameters = space.Decode(best.Point), Hypothesis = describe(best.Point, draws.Count), ProposerName = member };
    }

    /// <summary>Each member's probability of making the next proposal, and its recent gain.</summary>
    internal static double[] Allocation(IReadOnlyList<Observation> observations, IReadOnlyList<double?> losses,
        IReadOnlyDictionary<string, string> settings, out double[] gains)
    {
        double[] weights = Weights(settings);
        double rate = ProposerSettings.GetDouble(settings, "hedge_rate", 4, 0, 50);
        var sums = new double[Members.Count];
        var counts = new double[Members.Count];
        var credits = new List<double>[Members.Count];
        for (int m = 0; m < Members.Count; m++)
        {
            credits[m] = [];
        }

        var earlier = new List<double>();
        for (int i = 0; i < observations.Count; i++)
        {
            int m = MemberOf(observations[i].Proposer);
            if (m >= 0)
            {
                double credit = losses[i] is double l
                    ? earlier.Count == 0 ? 0.5 : earlier.Count(e => e > l) / (double)earlier.Count
                    : 0;
                credits[m].Add(credit);
            }

            if (losses[i] is double ok)
            {
                earlier.Add(ok);
            }
        }

        gains = new double[Members.Count];
        for (int m = 0; m < Members.Count; m++)
        {
            double num = 0.5;
            double den = 1;
            double w = 1;
            for (int k = credits[m].Count - 1; k >= 0; k--)
            {
                num += w * credits[m][k];
                den += w;
                w *= Decay;
            }

            gains[m] = num / den;
            sums[m] = weights[m] > 0 ? weights[m] * Math.Exp(rate * (gains[m] - 0.5)) : 0;
            counts[m] = weights[m] > 0 ? 1 : 0;
        }

        double total = sums.Sum();
        double active = counts.Sum();
        var p = new double[Members.Count];
        for (int m = 0; m < Members.Count; m++)
        {
            p[m] = (1 - Floor) * sums[m] / total + Floor * counts[m] / active;
        }

        return p;
    }

    /// <summary>Index of the member a recorded proposer name stands for, or −1.</summary>
    internal static int MemberOf(string? proposer)
    {
        if (string.IsNullOrEmpty(proposer))
        {
            return -1;
        }

        string name = proposer.StartsWith(StrategyName + ":", StringComparison.Ordinal) ? proposer[(StrategyName.Length + 1)..] : proposer;
        for (int m = 0; m < Members.Count; m++)
        {
            if (string.Equals(Members[m], name, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return -1;
    }

    private static double[] Weights(IReadOnlyDictionary<string, string> settings)
    {
        double[] w = (double[])DefaultWeights.Clone();
        if (settings.TryGetValue("weights", out string? text) && !string.IsNullOrWhiteSpace(text))
        {
            foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
                int m = kv.Length == 2 ? MemberOf(kv[0]) : -1;
                if (m < 0 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || !double.IsFinite(v))
                {
                    throw new ArgumentException(
                        $"Portfolio setting 'weights' has a bad entry '{part}': expected member=weight with member one of {string.Join(", ", Members)} and weight ≥ 0.");
                }

                w[m] = v;
            }
        }

        if (!(w.Sum() > 0))
        {
            throw new ArgumentException($"Portfolio setting 'weights' leaves no member with a positive weight ({text}).");
        }

        return w;
    }
}
