namespace AutoResearch.Abstractions.Specs;

/// <summary>The objective a benchmark reports and the direction that counts as better.</summary>
[GenerateSerializer, Immutable]
public sealed record MetricSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public required Direction Direction { get; init; }

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
