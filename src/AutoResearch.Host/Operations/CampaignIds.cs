using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Host.Operations;

/// <summary>Chooses the campaign id for <c>run</c>: resume the unfinished campaign of the same name, or start a new one.</summary>
public static class CampaignIds
{
    public static async Task<(string Id, bool Resumed)> ResolveAsync(ILedger ledger, CampaignSpec spec, bool fresh, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!fresh)
        {
            var unfinished = (await ledger.ListCampaignsAsync(cancellationToken))
                .Where(c => c.Name == spec.Name && c.State is CampaignState.Running or CampaignState.Created or CampaignState.Paused)
                .OrderByDescending(c => c.CreatedAt)
                .FirstOrDefault();
            if (unfinished is not null) return (unfinished.Id, true);
        }
        return ($"{spec.Name}-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}", false);
    }
}
