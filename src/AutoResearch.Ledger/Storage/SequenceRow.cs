namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_sequences</c>: the last sequence number handed out per campaign.</summary>
public sealed class SequenceRow
{
    public string CampaignId { get; set; } = "";
    public int LastSequence { get; set; }
}
