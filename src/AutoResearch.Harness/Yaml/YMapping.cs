namespace AutoResearch.Harness.Yaml;

/// <summary>A YAML mapping; entries keep file order, duplicates included (the reader reports them).</summary>
internal sealed class YMapping(int line, int column) : YNode(line, column)
{
    public List<KeyValuePair<YNode, YNode>> Entries { get; } = [];

    public override string Kind => "a map";
}
