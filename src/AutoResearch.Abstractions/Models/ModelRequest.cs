namespace AutoResearch.Abstractions.Models;

/// <summary>A chat completion to ask of an agent's models, in failover order, metered against its token allowance.</summary>
public sealed record ModelRequest
{
    public required string CampaignId { get; init; }
    public required string AgentId { get; init; }

    /// <summary>The experiment the call is for, when there is one (recorded with the call).</summary>
    public string? ExperimentId { get; init; }

    /// <summary>What the call is for: <c>propose</c>, <c>repair</c>, <c>reflect</c>.</summary>
    public required string Purpose { get; init; }

    /// <summary>Configured model endpoint names, first choice first; the rest are the failover list.</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    public required IReadOnlyList<ModelMessage> Messages { get; init; }

    /// <summary>Most completion tokens asked for; 0 uses the endpoint's default.</summary>
    public int MaxOutputTokens { get; init; }

    public double? Temperature { get; init; }

    /// <summary>
    /// Most tokens (prompt + completion) this call may use; null for no limit. A call whose estimate (prompt estimate +
    /// <see cref="MaxOutputTokens"/>) exceeds it is refused before anything is sent.
    /// </summary>
    public long? TokenAllowance { get; init; }
}
