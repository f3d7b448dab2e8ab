namespace AutoResearch.Sandboxes.Tests;

/// <summary>A theory that needs a reachable Docker daemon and the test image; skipped (with the reason) otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DockerTheoryAttribute : TheoryAttribute
{
    public DockerTheoryAttribute()
    {
        if (DockerTestEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
