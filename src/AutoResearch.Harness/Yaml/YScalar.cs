namespace AutoResearch.Harness.Yaml;

/// <summary>A scalar: its text, and whether it was written plain (unquoted), which decides whether it can be null.</summary>
internal sealed class YScalar(string value, bool plain, int line, int column) : YNode(line, column)
{
    public string Value { get; } = value;
    public bool Plain { get; } = plain;

    /// <summary>True for an unquoted <c>null</c>, <c>~</c> or empty value.</summary>
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Kind => IsNull ? "null" : "a scalar";
}
