using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Parameters;

/// <summary>The typed side of a parameter's declaration: its default as a value, a configuration's value or the default.</summary>
public static class ParameterSpecValues
{
    /// <summary>The declared default as a typed value (parsed against the declaration; a default the loader would refuse is kept as stored).</summary>
    public static ParameterValue DefaultValue(this ParameterSpec spec) =>
        ParameterValue.TryParse(spec, spec.Default, out var value, out _) ? value : ParameterValue.FromStored(spec.Default);

    /// <summary>The value <paramref name="values"/> gives <paramref name="spec"/>, or its default.</summary>
    public static ParameterValue ValueOrDefault(this ParameterSet values, ParameterSpec spec) => values.Get(spec.Name) ?? spec.DefaultValue();
}
