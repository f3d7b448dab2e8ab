using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Bench.Proposers.Synthetic;

/// <summary>
/// A closed-form test objective with its search space (as a benchmark spec) and known optimum. <see cref="Evaluate"/> is
/// noiseless; with <see cref="NoiseSd"/> &gt; 0 the optimization loop observes it plus Gaussian noise and scores the
/// noiseless value of the point it would pick (the best observed).
/// </summary>
public sealed record SyntheticFunction(string Name, BenchmarkSpec Spec, Func<IReadOnlyDictionary<string, string>, double> Evaluate, double NoiseSd = 0)
{
    /// <summary>The known optimal objective value.</summary>
    public double Optimum => Spec.KnownOptimum ?? double.NaN;

    public Direction Direction => Spec.Metric.Direction;
}
