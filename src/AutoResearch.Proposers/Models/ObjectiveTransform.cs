namespace AutoResearch.Proposers.Models;

/// <summary>
/// Turns losses (lower is better) into scaled GP targets: extreme outliers are capped at Q3 + 3·IQR so one diverged
/// run cannot flatten the model, the scale is the standard deviation, and the zero of the targets (the GP's prior mean)
/// is the <paramref name="priorQuantile"/> quantile of the results rather than their mean: a region the model knows
/// nothing about is expected to be as good as a typical-to-poor result, not an average one, so that corners and
/// bounds far from every observation do not look promising merely because they are uncertain.
/// Null losses (failed runs) count as the worst loss seen; the GP proposer also weights EI by a feasibility estimate.
/// </summary>
internal sealed class ObjectiveTransform
{
    private ObjectiveTransform(double[] targets, double scale, double logAt = double.NaN)
    {
        Targets = targets;
        Scale = scale;
        LogAt = logAt;
    }

    /// <summary>Scaled targets, unit variance, zero at the prior mean.</summary>
    public double[] Targets { get; }

    /// <summary>Objective units per standardized unit (log-objective units when <see cref="IsLogarithmic"/>).</summary>
    public double Scale { get; }

    /// <summary>True when the targets are logarithms of the losses (<see cref="OutputWarp.Log"/> on positive losses).</summary>
    public bool IsLogarithmic => !double.IsNaN(LogAt);

    /// <summary>The best (smallest) loss when <see cref="IsLogarithmic"/>, else NaN: where <see cref="ToLossUnits"/> converts.</summary>
    private double LogAt { get; }

    /// <summary>
    /// A spread in standardized units (a noise standard deviation, say) in the losses' own units: times <see cref="Scale"/>,
    /// and under the log warp also times the best loss (d loss = loss · d ln loss, taken where the search is).
    /// </summary>
    public double ToLossUnits(double standardized) => IsLogarithmic ? standardized * Scale * LogAt : standardized * Scale;

    public static ObjectiveTransform Create(IReadOnlyList<double?> losses, double priorQuantile = -1, OutputWarp warp = OutputWarp.None)
    {
        double logAt = double.NaN;
        if (warp == OutputWarp.Log && Logarithms(losses) is { } logs)
        {
            logAt = losses.Where(l => l.HasValue).Min(l => l!.Value);
            losses = logs;
        }

        losses = warp switch
        {
            OutputWarp.Rank => NormalScores(losses),
            OutputWarp.Tail => TailCompressed(losses),
            OutputWarp.Sqrt => TailCompressed(losses, sqrt: true),
            _ => losses,
        };

        double[] ok = losses.Where(l => l.HasValue).Select(l => l!.Value).Order().ToArray();
        double cap = double.PositiveInfinity;
        if (ok.Length >= 4)
        {
            double q1 = Quantile(ok, 0.25);
            double q3 = Quantile(ok, 0.75);
            if (q3 > q1)
            {
                cap = q3 + 3 * (q3 - q1);
            }
        }

        double worst = ok.Length > 0 ? Math.Min(ok[^1], cap) : 0;
        double[] y = losses.Select(l => l.HasValue ? Math.Min(l.Value, cap) : worst).ToArray();
        double mean = y.Average();
        double sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / y.Length);
        if (!(sd > 1e-12 * Math.Max(1, Math.Abs(mean))))
        {
            sd = 1;
        }

        double centre = priorQuantile is >= 0 and <= 1 ? Quantile(y.Order().ToArray(), priorQuantile) : mean;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = (y[i] - centre) / sd;
        }

        return new ObjectiveTransform(y, sd, logAt);
    }

    /// <summary>
    /// The natural logarithms of the losses when every successful loss is positive and finite (failures stay null), else
    /// null (the warp then does nothing). For a loss with a natural zero (an error rate, a log loss, a squared error) a
    /// relative change is what matters: 0.02 → 0.01 is as large a step as 0.4 → 0.2, so the differences among good
    /// results are not lost in the scale set by poor ones, a cliff to a poor plateau (a classifier at chance) is short,
    /// and noise that grows with the loss (seed noise of training runs) becomes about even, as the GP assumes.
    /// No constant: a loss of 0 or below (a negated accuracy, a shifted synthetic function) keeps its values.
    /// </summary>
    internal static List<double?>? Logarithms(IReadOnlyList<double?> losses)
    {
        if (!losses.Any(l => l.HasValue) || losses.Any(l => l is double v && !(v > 0 && double.IsFinite(v))))
        {
            return null;
        }

        return losses.Select(l => l is double v ? Math.Log(v) : (double?)null).ToList();
    }

    /// <summary>
    /// The losses' normal scores (rank-based output warping, a Gaussian copula): the i-th smallest of n successful losses
    /// becomes Φ⁻¹((i − ½) / n), ties sharing their mean rank; failures stay null. Order is all the GP then sees, so a
    /// cliff (a few runs far worse than the rest, e.g. a classifier at chance) no longer stretches the scale until the
    /// differences among the good runs vanish in it.
    /// </summary>
    internal static List<double?> NormalScores(IReadOnlyList<double?> losses)
    {
        int[] ok = Enumerable.Range(0, losses.Count).Where(i => losses[i].HasValue).OrderBy(i => losses[i]!.Value).ToArray();
        var scores = new List<double?>(losses);
        int n = ok.Length;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && losses[ok[end + 1]]!.Value == losses[ok[start]]!.Value)
            {
                end++;
            }

            double rank = 0.5 * (start + end) + 0.5; // mean of the 0-based ranks, plus ½
            double z = Numerics.Gaussian.Quantile(rank / n);
            for (int k = start; k <= end; k++)
            {
                scores[ok[k]] = z;
            }

            start = end + 1;
        }

        return scores;
    }

    /// <summary>
    /// The losses measured from their median in units of the better half's spread, the worse half compressed by
    /// log(1 + t): linear (full resolution) where the good results are, logarithmic in the bad tail. One cliff or a
    /// heavy tail of poor results (a diverged run, a classifier at chance, Rosenbrock's walls) then no longer sets the
    /// scale, while the differences among good results keep their size. Failures stay null.
    /// </summary>
    internal static List<double?> TailCompressed(IReadOnlyList<double?> losses, bool sqrt = false)
    {
        double[] ok = losses.Where(l => l.HasValue).Select(l => l!.Value).Order().ToArray();
        if (ok.Length < 3)
        {
            return losses.ToList();
        }

        double median = Quantile(ok, 0.5);
        double[] good = ok.Where(v => v <= median).ToArray();
        double spread = Math.Sqrt(good.Sum(v => (v - median) * (v - median)) / good.Length);
        if (!(spread > 1e-12 * Math.Max(1, Math.Abs(median))))
        {
            double mean = ok.Average();
            spread = Math.Sqrt(ok.Sum(v => (v - mean) * (v - mean)) / ok.Length);
        }

        if (!(spread > 1e-12 * Math.Max(1, Math.Abs(median))))
        {
            return losses.ToList();
        }

        return losses.Select(l => l is double v ? (v - median) / spread is var t && t > 0 ? Compress(t) : (v - median) / spread : (double?)null).ToList();

        double Compress(double t) => sqrt ? 2 * (Math.Sqrt(1 + t) - 1) : Math.Log(1 + t);
    }

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}

/// <summary>How results are warped before the GP sees them (setting <c>output_warp</c>).</summary>
internal enum OutputWarp
{
    /// <summary>The values as they are (outliers capped).</summary>
    None,

    /// <summary>Normal scores of the ranks (a Gaussian copula).</summary>
    Rank,

    /// <summary>Linear in the better half, logarithmic in the worse half.</summary>
    Tail,

    /// <summary>Linear in the better half, square-root in the worse half (a milder compression than <see cref="Tail"/>).</summary>
    Sqrt,

    /// <summary>The natural logarithm when every successful loss is positive, else the values as they are (see <see cref="ObjectiveTransform.Logarithms"/>).</summary>
    Log,
}
