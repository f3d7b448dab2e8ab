namespace AutoResearch.Harness.Yaml;

/// <summary>Collects the errors of one file into a shared sink, stamping each with the file and node position.</summary>
internal sealed class SpecErrorList(string file, List<SpecError> sink)
{
    public string File { get; } = file;

    public List<SpecError> Sink { get; } = sink;

    public int Count { get; private set; }

    public void Add(string field, string message, YNode? at = null, int? line = null, int? column = null)
    {
        Sink.Add(new SpecError(File, field.Length == 0 ? "(file)" : field, message)
        {
            Line = at?.Line ?? line,
            Column = at?.Column ?? column,
        });
        Count++;
    }
}
