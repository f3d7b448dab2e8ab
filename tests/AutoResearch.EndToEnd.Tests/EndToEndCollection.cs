namespace AutoResearch.EndToEnd.Tests;

/// <summary>End-to-end tests share the machine's two cores and Docker: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
