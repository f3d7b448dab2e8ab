namespace AutoResearch.Sandboxes.Tests;

/// <summary>Real-container tests run one at a time: timing assertions stay honest on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerCollection
{
    public const string Name = "docker";
}
