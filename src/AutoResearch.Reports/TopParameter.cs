namespace AutoResearch.Reports;

/// <summary>A parameter of a top experiment and whether it differs from the benchmark's default.</summary>
public sealed record TopParameter(string Name, string Value, string Default)
{
    public bool Changed => !string.Equals(Value, Default, StringComparison.Ordinal);
}
