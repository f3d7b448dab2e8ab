namespace AutoResearch.Harness.Yaml;

/// <summary>A node of a parsed YAML document, with the 1-based position where it starts.</summary>
internal abstract class YNode(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    /// <summary>A short word for the node's kind, used in error messages.</summary>
    public abstract string Kind { get; }
}
