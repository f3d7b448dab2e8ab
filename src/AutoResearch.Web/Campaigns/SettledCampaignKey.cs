using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// The cache key of a settled campaign's views: what would change if its ledger rows did (state, end, experiment count and
/// last number, leaderboard and model-call counts), read with small queries. The console keeps a settled campaign's
/// computed views while the key holds.
/// </summary>
internal static class SettledCampaignKey
{
    /// <summary>The key of a completed, stopped or failed campaign; null for a campaign that may still change.</summary>
    public static async Task<string?> OfAsync(ILedger ledger, CampaignRecord campaign, CancellationToken cancellationToken)
    {
        if (campaign.State is not (CampaignState.Completed or CampaignState.Stopped or CampaignState.Failed)) return null;
        var last = await ledger.QueryExperimentsAsync(campaign.Id, new ExperimentQuery { Limit = 1, Descending = true }, cancellationToken);
        var leaderboardCount = (await ledger.GetLeaderboardAsync(campaign.Id, cancellationToken)).Count;
        var callCount = (await ledger.GetModelCallsAsync(campaign.Id, cancellationToken)).Count;
        return $"{campaign.State}|{campaign.EndedAt:O}|{last.Total}|{last.Items.FirstOrDefault()?.Sequence}|{leaderboardCount}|{callCount}";
    }
}
