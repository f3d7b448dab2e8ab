using AutoResearch.Host.Operations;

namespace AutoResearch.Web.Campaigns;

/// <summary>The lab's quota from the console's pages and API, through the operations the CLI uses (<see cref="CampaignOperations"/>).</summary>
public sealed partial class ConsoleCampaigns
{
    /// <summary>The quota in force, the lab's use and what is left.</summary>
    public Task<LabQuotaView> QuotaAsync(CancellationToken cancellationToken) => operations.GetQuotaAsync(cancellationToken);

    /// <summary>Sets the lab's quota (<see cref="CampaignOperations.SetQuotaAsync"/>); problems by field (<c>Quota[GpuHours]</c>).</summary>
    public async Task<OperationOutcome<LabQuotaView>> SetQuotaAsync(QuotaBody body, string setBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var set = await operations.SetQuotaAsync(new QuotaOrder(body.GpuHours, body.CpuHours, body.Tokens, setBy), cancellationToken);
        return set.Ok ? new OperationOutcome<LabQuotaView>(set.Value) : Outcome<LabQuotaView, LabQuotaView>(set);
    }
}

/// <summary>New quota values: GPU-hours, CPU-hours, tokens; a missing value stays as it is, 0 removes that limit.</summary>
public sealed record QuotaBody(double? GpuHours, double? CpuHours, double? Tokens);
