using AutoResearch.Abstractions.Parameters;
namespace AutoResearch.Abstractions.Experiments;

/// <summary>A finished experiment as proposers see it: the parameters and the objective (null when it failed).</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.Observation")]
public sealed record Observation
{
    /// <summary>Its typed parameter values (Id 0 held them as text before).</summary>
    [Id(4)] public required ParameterSet Parameters { get; init; }
    [Id(1)] public double? Objective { get; init; }

    /// <summary>Stopped early: <see cref="Objective"/> is its last intermediate value, a pessimistic estimate.</summary>
    [Id(2)] public bool Pruned { get; init; }

    /// <summary>Name of the proposer that made it (e.g. <c>gp</c>, <c>portfolio:cmaes</c>); null when not known.</summary>
    [Id(3)] public string? Proposer { get; init; }
}
