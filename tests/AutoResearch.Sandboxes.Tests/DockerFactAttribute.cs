namespace AutoResearch.Sandboxes.Tests;

/// <summary>A fact that needs a reachable Docker daemon and the test image; skipped (with the reason) otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (DockerTestEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
