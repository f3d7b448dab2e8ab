namespace AutoResearch.Models;

/// <summary>What is known about one endpoint's availability; guarded by the gateway's lock.</summary>
internal sealed class EndpointHealth
{
    public DateTimeOffset? DownSince { get; set; }
    public DateTimeOffset? RetryAfter { get; set; }
    public string? LastFailure { get; set; }
    public int ConsecutiveFailures { get; set; }
}
