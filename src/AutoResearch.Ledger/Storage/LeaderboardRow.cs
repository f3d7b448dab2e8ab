namespace AutoResearch.Ledger.Storage;

/// <summary>Table <c>ledger_leaderboard</c>: a campaign's accepted bests; id is <c>{campaign}#{index}</c>.</summary>
public sealed class LeaderboardRow
{
    public string Id { get; set; } = "";
    public string CampaignId { get; set; } = "";
    public int Idx { get; set; }
    public string ExperimentId { get; set; } = "";
    public int Sequence { get; set; }
    public string AgentId { get; set; } = "";
    public double Objective { get; set; }
    public int Runs { get; set; }
    public double? StdDev { get; set; }
    public double? Confidence { get; set; }
    public double? Margin { get; set; }

    /// <summary>The typed grounds (<c>AcceptanceReason</c>); null on rows written before it was recorded.</summary>
    public int? Reason { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
    public string ParametersJson { get; set; } = "{}";
    public string EditedFilesJson { get; set; } = "{}";
}
