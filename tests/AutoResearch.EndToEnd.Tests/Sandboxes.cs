using AutoResearch.Sandboxes;
using Microsoft.Extensions.Options;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>A real Docker sandbox runner with an owner of its own, so tests never reap each other's containers.</summary>
public static class Sandboxes
{
    public static DockerSandboxRunner Create() =>
        new(Options.Create(new SandboxOptions { Owner = "e2e-" + Guid.NewGuid().ToString("N")[..12] }));
}
