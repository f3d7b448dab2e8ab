namespace AutoResearch.Abstractions.Experiments;

/// <summary>One call to a language model, as metered for token budgets.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ModelCallRecord")]
public sealed record ModelCallRecord
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string CampaignId { get; init; }
    [Id(2)] public required string AgentId { get; init; }
    [Id(3)] public string? ExperimentId { get; init; }
    [Id(4)] public required string Provider { get; init; }
    [Id(5)] public required string Model { get; init; }

    /// <summary>What the call was for (e.g. <c>propose</c>, <c>repair</c>, <c>reflect</c>).</summary>
    [Id(6)] public string Purpose { get; init; } = "";
    [Id(7)] public long PromptTokens { get; init; }
    [Id(8)] public long CompletionTokens { get; init; }
    [Id(9)] public double LatencyMs { get; init; }

    /// <summary><c>ok</c>, <c>retry</c>, <c>failed</c>, <c>refused</c> (budget), …</summary>
    [Id(10)] public required string Outcome { get; init; }
    [Id(11)] public string? Error { get; init; }
    [Id(12)] public required DateTimeOffset At { get; init; }

    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary><see cref="Outcome"/> typed (decide on this, never on the text).</summary>
    public ModelCallOutcome OutcomeKind => ModelCallCodes.Outcome(Outcome);

    /// <summary><see cref="Purpose"/> typed (decide on this, never on the text).</summary>
    public ModelCallPurpose PurposeKind => ModelCallCodes.Purpose(Purpose);
}
