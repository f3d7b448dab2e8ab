using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// Which parameters mattered in a campaign, with uncertainty, from two sources:
/// <list type="bullet">
/// <item><b>Variance explained</b> (all usable results): for each parameter, the share of the variance of the results' ranks
/// that its value explains on its own (a one-way analysis of variance over its levels: choices, or quantile bins of a numeric
/// parameter on its own scale, log or linear), bias-corrected (epsilon squared, so a parameter that does nothing scores about
/// zero however many levels it has), with a bias-corrected interval from bootstrap resamples of the results and a
/// permutation test against the same results shuffled. Ranks keep one outlier (a diverged run) from deciding it.</item>
/// <item><b>Ablations</b> (where the ablation agent, or anyone, ran them): the best against the best with one parameter
/// reverted to its default, everything else equal; how much worse the reverted run was, with an interval from the
/// campaign's measured noise.</item>
/// </list>
/// Pure: built from the ledger's rows and the campaign's facts (<see cref="CampaignFacts"/>) by <see cref="Compute"/>.
/// </summary>
public static class ParameterImportance
{
    /// <summary>Bootstrap resamples for the intervals.</summary>
    public const int DefaultResamples = 200;

    /// <summary>Most levels a numeric parameter is cut into.</summary>
    public const int MaxBins = 8;

    /// <summary>Most results the variance is computed from (an even sample of them beyond).</summary>
    public const int MaxSamples = 1000;

    /// <summary>Fewest usable results for a variance estimate.</summary>
    public const int MinSamples = 6;

    /// <summary>The intervals' coverage (bias-corrected bootstrap percentiles; ablations: normal with the noise's standard deviation).</summary>
    public const double Coverage = 0.90;

    /// <summary>
    /// A parameter "mattered" when its variance explained is above this and beats what the same results shuffled across its
    /// values give, at <see cref="Alpha"/> divided by the number of parameters (a permutation test with a Bonferroni correction).
    /// </summary>
    public const double MattersAbove = 0.02;

    /// <summary>The permutation test's level for all parameters together.</summary>
    public const double Alpha = 0.05;

    /// <summary>The standard normal's 95th percentile: a two-sided <see cref="Coverage"/> interval is ± this many standard errors.</summary>
    private const double Z90 = 1.6448536269514722;

    /// <summary>
    /// The report for one campaign: every searched parameter, most important first.
    /// </summary>
    /// <param name="parameters">The benchmark's searched parameters.</param>
    /// <param name="experiments">The campaign's experiments with their parameters (held-out runs and failures are left out here).</param>
    /// <param name="direction">Which way is better.</param>
    /// <param name="best">The campaign's best (from <see cref="CampaignFacts.Best"/>): ablations are measured against it.</param>
    /// <param name="noise">The campaign's noise (from <see cref="CampaignFacts.Noise"/>): the ablation intervals' width.</param>
    public static ImportanceReport Compute(
        IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyList<ExperimentRecord> experiments,
        Direction direction,
        BestFact? best = null,
        NoiseSummary? noise = null,
        int resamples = DefaultResamples,
        int seed = 20261205)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        var usable = experiments.Where(e => e.HasUsableObjective).OrderBy(e => e.Sequence).ToList();
        var total = usable.Count;
        // Past MaxSamples results, an even sample (by number) keeps the bootstrap's cost bounded; the ablations see them all.
        var sample = total > MaxSamples ? Enumerable.Range(0, MaxSamples).Select(i => usable[(int)((long)i * total / MaxSamples)]).ToList() : usable;
        var y = sample.Select(e => e.Objective!.Value).ToArray();
        var columns = parameters.Select(p => sample.Select(e => Encode(p, e.Parameters)).ToArray()).ToList();

        var point = new double?[parameters.Count];
        var draws = parameters.Select(_ => new List<double>()).ToList();
        var exceeded = new int[parameters.Count];
        var permutations = 0;
        // Each result's level per parameter, cut once from the sample (the resamples and permutations reuse them).
        var levels = columns.Select((c, j) => Levels(c, parameters[j].Type == ParameterType.Choice)).ToList();
        var levelCounts = levels.Select(l => l.DefaultIfEmpty(-1).Max() + 1).ToList();
        if (sample.Count >= MinSamples)
        {
            var ranks = Ranks(y);
            for (var j = 0; j < parameters.Count; j++)
                point[j] = EpsilonSquared(levels[j], levelCounts[j], ranks, null);

            var random = new Random(seed);
            var index = new int[sample.Count];
            var sampleY = new double[sample.Count];
            for (var b = 0; b < resamples; b++)
            {
                for (var i = 0; i < index.Length; i++) index[i] = random.Next(sample.Count);
                for (var i = 0; i < index.Length; i++) sampleY[i] = y[index[i]];
                var sampleRanks = Ranks(sampleY);
                for (var j = 0; j < parameters.Count; j++)
                    if (EpsilonSquared(levels[j], levelCounts[j], sampleRanks, index) is { } e) draws[j].Add(e);
            }

            // The null: the same results shuffled across the parameter values (no parameter matters).
            var shuffled = (double[])ranks.Clone();
            for (var b = 0; b < resamples; b++)
            {
                random.Shuffle(shuffled);
                permutations++;
                for (var j = 0; j < parameters.Count; j++)
                    if (point[j] is not { } observed || (EpsilonSquared(levels[j], levelCounts[j], shuffled, null) ?? 0) >= observed)
                        exceeded[j]++;
            }
        }

        var ablations = Ablations(parameters, usable, direction, best, noise);
        var tail = (1 - Coverage) / 2;
        var rows = new List<ParameterImportanceRow>();
        for (var j = 0; j < parameters.Count; j++)
        {
            var p = parameters[j];
            var sorted = draws[j].Order().ToList();
            // A bias-corrected percentile interval: resamples repeat results, which makes any parameter look a little better
            // than it is; the percentiles are shifted back by that bias (the resamples' mean minus the estimate).
            double? low = null, high = null;
            if (sorted.Count > 0 && point[j] is { } estimate)
            {
                var bias = sorted.Average() - estimate;
                low = Math.Clamp(Math.Min(Quantile(sorted, tail) - bias, estimate), 0, 1);
                high = Math.Clamp(Math.Max(Quantile(sorted, 1 - tail) - bias, estimate), 0, 1);
            }
            double? pValue = permutations > 0 ? (exceeded[j] + 1.0) / (permutations + 1) : null;
            rows.Add(new ParameterImportanceRow
            {
                Name = p.Name,
                Type = p.Type,
                Log = p.Log,
                Levels = sample.Count >= MinSamples ? levels[j].Where(l => l >= 0).Distinct().Count() : 0,
                Importance = point[j],
                Low = low,
                High = high,
                PValue = pValue,
                // Better than shuffled results would do by chance, after a correction for testing every parameter.
                Mattered = pValue is { } pv && pv < Alpha / Math.Max(1, parameters.Count) && point[j] > MattersAbove,
                Ablation = ablations.GetValueOrDefault(p.Name),
            });
        }

        return new ImportanceReport
        {
            Samples = sample.Count,
            Results = total,
            Resamples = sample.Count >= MinSamples ? resamples : 0,
            Coverage = Coverage,
            Parameters = rows
                .OrderByDescending(r => r.Importance ?? -1)
                .ThenByDescending(r => r.Ablation?.Loss ?? double.NegativeInfinity)
                .ThenBy(r => r.Name, StringComparer.Ordinal)
                .ToList(),
        };
    }

    /// <summary>A parameter's value as a number: its position on its own scale (log10 for log-scale numbers), a choice's index; NaN when unreadable.</summary>
    public static double Encode(ParameterSpec parameter, ParameterSet values)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(values);
        var value = values.ValueOrDefault(parameter);
        if (parameter.Type == ParameterType.Choice)
        {
            var i = parameter.Choices.IndexOf(value.Text);
            return i >= 0 ? i : double.NaN;
        }
        if (!value.IsNumber) return double.NaN;
        var x = value.AsNumber;
        if (parameter.Log) return x > 0 ? Math.Log10(x) : double.NaN;
        return x;
    }

    /// <summary>
    /// Epsilon squared: (between-level sum of squares − (levels − 1) × within-level mean square) / total sum of squares, in [0, 1];
    /// null when it cannot be estimated (one level, no spread, or no within-level degrees of freedom). Unreadable values are left out.
    /// </summary>
    public static double? EpsilonSquared(IReadOnlyList<double> x, IReadOnlyList<double> y, bool categorical)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"x has {x.Count} values and y {y.Count}; they must pair up.", nameof(y));
        var levels = Levels(x, categorical);
        return EpsilonSquared(levels, levels.DefaultIfEmpty(-1).Max() + 1, y.ToArray(), null);
    }

    /// <summary>
    /// <see cref="EpsilonSquared(IReadOnlyList{double}, IReadOnlyList{double}, bool)"/> over levels already cut: result i has
    /// level <c>levels[index[i]]</c> (<c>levels[i]</c> without an index; -1: left out) and response <c>y[i]</c>. One pass, no allocation beyond the level sums.
    /// </summary>
    private static double? EpsilonSquared(int[] levels, int levelCount, double[] y, int[]? index)
    {
        if (levelCount < 2) return null;
        var counts = new int[levelCount];
        var sums = new double[levelCount];
        double sum = 0, sumSquares = 0;
        var n = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var level = levels[index is null ? i : index[i]];
            if (level < 0 || !double.IsFinite(y[i])) continue;
            counts[level]++;
            sums[level] += y[i];
            sum += y[i];
            sumSquares += y[i] * y[i];
            n++;
        }
        var k = 0;
        double between = 0;
        var mean = n > 0 ? sum / n : 0;
        for (var l = 0; l < levelCount; l++)
        {
            if (counts[l] == 0) continue;
            k++;
            var levelMean = sums[l] / counts[l];
            between += counts[l] * (levelMean - mean) * (levelMean - mean);
        }
        if (n < 3 || k < 2 || n - k < 1) return null;
        var total = sumSquares - n * mean * mean;
        if (total <= 1e-12 * Math.Max(1, sumSquares)) return null;
        var within = Math.Max(0, total - between);
        var e = (between - (k - 1) * (within / (n - k))) / total;
        return Math.Clamp(e, 0, 1);
    }

    /// <summary>
    /// Each value's level: a choice is its own level; numbers are cut at quantiles of their distinct values into at most
    /// <see cref="MaxBins"/> levels (about five results per level), equal values always sharing one.
    /// </summary>
    public static int[] Levels(IReadOnlyList<double> x, bool categorical)
    {
        ArgumentNullException.ThrowIfNull(x);
        var distinct = x.Where(v => !double.IsNaN(v)).Distinct().Order().ToArray();
        if (categorical || distinct.Length <= 1)
            return x.Select(v => double.IsNaN(v) ? -1 : Array.BinarySearch(distinct, v)).ToArray();
        var bins = Math.Clamp(x.Count / 5, 2, MaxBins);
        if (distinct.Length <= bins)
            return x.Select(v => double.IsNaN(v) ? -1 : Array.BinarySearch(distinct, v)).ToArray();
        var sorted = x.Where(v => !double.IsNaN(v)).Order().ToArray();
        // Cut points at the quantiles of the values; a value's level is how many cut points lie at or below it.
        var cuts = Enumerable.Range(1, bins - 1).Select(i => sorted[(int)Math.Floor(i * (double)sorted.Length / bins)]).Distinct().ToArray();
        return x.Select(v => double.IsNaN(v) ? -1 : cuts.Count(c => c <= v)).ToArray();
    }

    /// <summary>Average ranks (1 = smallest; ties share their mean rank).</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = new int[values.Count];
        var keys = new double[values.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = values[i];
        }
        Array.Sort(keys, order);
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var t = i; t <= j; t++) ranks[order[t]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
    }

    /// <summary>
    /// For each parameter the best changed from its default: the runs of the best with only that parameter reverted (the
    /// ablation agent's proposals, and their repeats), against the best's mean.
    /// </summary>
    private static Dictionary<string, AblationEffect> Ablations(
        IReadOnlyList<ParameterSpec> parameters, List<ExperimentRecord> usable, Direction direction, BestFact? best, NoiseSummary? noise)
    {
        var effects = new Dictionary<string, AblationEffect>(StringComparer.Ordinal);
        if (best is null || usable.FirstOrDefault(e => e.Id == best.ExperimentId) is not { } bestRun) return effects;
        var bestRuns = Math.Max(1, best.Runs);
        foreach (var p in parameters)
        {
            var bestValue = bestRun.Parameters.ValueOrDefault(p);
            if (SameValue(p, bestValue, p.DefaultValue())) continue;
            var reverted = usable.Where(e => e.Id != bestRun.Id && IsAblation(parameters, bestRun, e, p)).ToList();
            if (reverted.Count == 0) continue;
            var values = reverted.Select(e => e.Objective!.Value).ToList();
            var ablated = values.Average();
            // Positive: reverting the change made it worse (the change carried part of the improvement).
            var loss = direction == Direction.Minimize ? ablated - best.Value : best.Value - ablated;
            var sd = noise?.StdDev is { } s && s > 0 && !(noise?.IdenticalRepeats ?? false) ? s : AcceptanceJudge.SampleStdDev(values) ?? best.StdDev;
            double? low = null, high = null;
            if (sd is { } σ && σ > 0)
            {
                                var half = Z90 * σ * Math.Sqrt(1.0 / values.Count + 1.0 / bestRuns);
                low = loss - half;
                high = loss + half;
            }
            effects[p.Name] = new AblationEffect
            {
                Parameter = p.Name,
                BestValue = bestValue.Text,
                RevertedTo = p.DefaultValue().Text,
                Best = best.Value,
                BestSequence = best.Sequence,
                Ablated = ablated,
                AblatedRuns = values.Count,
                AblationSequences = reverted.Select(e => e.Sequence).Order().ToList(),
                Loss = loss,
                Low = low,
                High = high,
                Mattered = low is { } l ? l > 0 : null,
            };
        }
        return effects;
    }

    /// <summary>Whether <paramref name="candidate"/> is <paramref name="best"/> with only <paramref name="reverted"/> set back to its default.</summary>
    private static bool IsAblation(IReadOnlyList<ParameterSpec> parameters, ExperimentRecord best, ExperimentRecord candidate, ParameterSpec reverted)
    {
        foreach (var p in parameters)
        {
            var c = candidate.Parameters.ValueOrDefault(p);
            var expected = p.Name == reverted.Name ? p.DefaultValue() : best.Parameters.ValueOrDefault(p);
            if (!SameValue(p, c, expected)) return false;
        }
        return true;
    }

    private static bool SameValue(ParameterSpec p, ParameterValue a, ParameterValue b)
    {
        if (a == b) return true;
        if (p.Type == ParameterType.Choice || !a.IsNumber || !b.IsNumber) return false;
        var (x, y) = (a.AsNumber, b.AsNumber);
        return Math.Abs(x - y) <= 1e-12 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
    }
}

/// <summary>Which parameters mattered in one campaign (see <see cref="ParameterImportance"/>).</summary>
public sealed record ImportanceReport
{
    /// <summary>Usable results the variance was computed from (at most <see cref="ParameterImportance.MaxSamples"/>).</summary>
    public int Samples { get; init; }

    /// <summary>Usable results in the campaign.</summary>
    public int Results { get; init; }

    /// <summary>Bootstrap resamples behind the intervals, and permutations behind the p-values (0 when there were too few results).</summary>
    public int Resamples { get; init; }

    /// <summary>The intervals' coverage (0.9: 5th to 95th percentile).</summary>
    public double Coverage { get; init; }

    /// <summary>Every searched parameter, most variance explained first.</summary>
    public IReadOnlyList<ParameterImportanceRow> Parameters { get; init; } = [];
}

/// <summary>One parameter's importance.</summary>
public sealed record ParameterImportanceRow
{
    public required string Name { get; init; }
    public ParameterType Type { get; init; }
    public bool Log { get; init; }

    /// <summary>Levels its values were grouped into (choices, or quantile bins).</summary>
    public int Levels { get; init; }

    /// <summary>Share (0..1) of the variance of the results' ranks its value explains; null when too few results.</summary>
    public double? Importance { get; init; }

    /// <summary>The bias-corrected bootstrap interval of <see cref="Importance"/> (clamped to [0, 1]).</summary>
    public double? Low { get; init; }
    public double? High { get; init; }

    /// <summary>The permutation test's p-value: how often shuffled results explain as much; null when too few results.</summary>
    public double? PValue { get; init; }

    /// <summary>It beat shuffled results (see <see cref="ParameterImportance.MattersAbove"/>).</summary>
    public bool Mattered { get; init; }

    /// <summary>The best with this parameter reverted to its default, when such runs exist.</summary>
    public AblationEffect? Ablation { get; init; }
}

/// <summary>The best against the best with one parameter reverted to its default.</summary>
public sealed record AblationEffect
{
    public required string Parameter { get; init; }
    public required string BestValue { get; init; }
    public required string RevertedTo { get; init; }

    /// <summary>The best's mean and number.</summary>
    public double Best { get; init; }
    public int BestSequence { get; init; }

    /// <summary>The mean of the reverted runs, how many there were, and their numbers.</summary>
    public double Ablated { get; init; }
    public int AblatedRuns { get; init; }
    public IReadOnlyList<int> AblationSequences { get; init; } = [];

    /// <summary>How much worse reverting made it, in metric units (positive: the change carried part of the improvement).</summary>
    public double Loss { get; init; }

    /// <summary>The interval of <see cref="Loss"/> from the campaign's noise; null without a noise estimate.</summary>
    public double? Low { get; init; }
    public double? High { get; init; }

    /// <summary>True when the interval lies above zero, false when it does not, null without a noise estimate.</summary>
    public bool? Mattered { get; init; }
}
