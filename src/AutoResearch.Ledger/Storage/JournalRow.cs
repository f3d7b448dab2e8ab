namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_journal</c>: append-only; the id is assigned by the database.</summary>
public sealed class JournalRow
{
    public long Id { get; set; }
    public string CampaignId { get; set; } = "";
    public string Author { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Text { get; set; } = "";
    public string? ExperimentId { get; set; }
    public DateTimeOffset At { get; set; }
}
