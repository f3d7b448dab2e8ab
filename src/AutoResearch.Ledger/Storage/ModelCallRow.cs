namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_model_calls</c>: one row per language-model call, upserted by id.</summary>
public sealed class ModelCallRow
{
    public string Id { get; set; } = "";
    public string CampaignId { get; set; } = "";
    public string AgentId { get; set; } = "";
    public string? ExperimentId { get; set; }
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public string Purpose { get; set; } = "";
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public double LatencyMs { get; set; }
    public string Outcome { get; set; } = "";
    public string? Error { get; set; }
    public DateTimeOffset At { get; set; }
}
