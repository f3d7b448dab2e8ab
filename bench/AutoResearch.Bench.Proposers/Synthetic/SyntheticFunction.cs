using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Bench.Proposers.Synthetic;

/// <summary>A closed-form test objective with its search space (as a benchmark spec) and known optimum.</summary>
public sealed record SyntheticFunction(string Name, BenchmarkSpec Spec, Func<IReadOnlyDictionary<string, string>, double> Evaluate)
{
    /// <summary>The known optimal objective value.</summary>
    public double Optimum => Spec.KnownOptimum ?? double.NaN;

    public Direction Direction => Spec.Metric.Direction;
}
