namespace AutoResearch.Abstractions.Specs;

/// <summary>The type of a tunable benchmark parameter.</summary>
[GenerateSerializer, Alias("AutoResearch.ParameterType")]
public enum ParameterType
{
    /// <summary>A real number in [Min, Max], optionally on a log scale.</summary>
    Float = 0,

    /// <summary>An integer in [Min, Max], optionally on a log scale.</summary>
    Int = 1,

    /// <summary>One of a fixed list of string choices.</summary>
    Choice = 2,
}
