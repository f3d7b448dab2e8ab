namespace AutoResearch.Abstractions.Parameters;

/// <summary>The kind of a typed parameter value, as the benchmark's search space declares it (float, int, choice).</summary>
[GenerateSerializer, Alias("AutoResearch.ParameterKind")]
public enum ParameterKind
{
    /// <summary>A finite real number (a <c>float</c> parameter).</summary>
    Real = 0,

    /// <summary>An integer (an <c>int</c> parameter).</summary>
    Integer = 1,

    /// <summary>One of a list of choices (a <c>choice</c> parameter), held as its text.</summary>
    Categorical = 2,
}
