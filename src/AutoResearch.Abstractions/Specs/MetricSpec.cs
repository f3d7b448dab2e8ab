namespace AutoResearch.Abstractions.Specs;

/// <summary>The objective a benchmark reports and the direction that counts as better.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.MetricSpec")]
public sealed record MetricSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required Direction Direction { get; init; }

    /// <summary>Lowest plausible value (<c>metric.range: [lo, hi]</c>); a reported objective below it fails the run. Null: no bound.</summary>
    [Id(2)] public double? RangeLow { get; init; }

    /// <summary>Highest plausible value; a reported objective above it fails the run. Null: no bound.</summary>
    [Id(3)] public double? RangeHigh { get; init; }

    /// <summary>True when <paramref name="value"/> is finite and inside the declared range (if any).</summary>
    public bool IsPlausible(double value) =>
        double.IsFinite(value) && !(RangeLow is { } lo && value < lo) && !(RangeHigh is { } hi && value > hi);

    /// <summary>True when <paramref name="candidate"/> is strictly better than <paramref name="incumbent"/>.</summary>
    public bool IsBetter(double candidate, double incumbent) =>
        Direction == Direction.Minimize ? candidate < incumbent : candidate > incumbent;

    /// <summary>The best experiment with a usable objective, the earliest (in the given order) on ties; null if none.</summary>
    public Experiments.ExperimentRecord? BestOf(IEnumerable<Experiments.ExperimentRecord> experiments)
    {
        Experiments.ExperimentRecord? best = null;
        foreach (var e in experiments)
        {
            if (e.HasUsableObjective && (best is null || IsBetter(e.Objective!.Value, best.Objective!.Value)))
                best = e;
        }
        return best;
    }
}
