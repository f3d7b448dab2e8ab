using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Host.Operations;

/// <summary>Finds an experiment of a campaign by its id or by its number in the campaign (<c>12</c> or <c>#12</c>).</summary>
public static class ExperimentLookup
{
    /// <summary>The experiment, or null when the campaign has none by that reference.</summary>
    public static async Task<ExperimentRecord?> FindAsync(ILedger ledger, string campaignId, string reference, CancellationToken cancellationToken)
    {
        reference = reference.Trim();
        if (reference.Length == 0) return null;
        var byId = await ledger.GetExperimentAsync(reference, cancellationToken);
        if (byId is not null) return byId.CampaignId == campaignId ? byId : null;
        if (!int.TryParse(reference.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) return null;
        return (await ledger.GetExperimentsAsync(campaignId, cancellationToken)).FirstOrDefault(e => e.Sequence == sequence);
    }
}
