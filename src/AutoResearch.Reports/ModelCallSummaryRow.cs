namespace AutoResearch.Reports;

/// <summary>One agent's calls to one model, as metered in the ledger.</summary>
public sealed record ModelCallSummaryRow
{
    public required string AgentId { get; init; }
    public required string Provider { get; init; }
    public required string Model { get; init; }
    public int Calls { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public long TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Calls whose outcome was not <c>ok</c> (retried, failed, refused by the budget, …).</summary>
    public int Failures { get; init; }

    public double MeanLatencyMs { get; init; }
}
