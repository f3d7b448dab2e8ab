using AutoResearch.Abstractions.Reports;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Writes a campaign's report files from the ledger and journal; every report written is kept.</summary>
public interface IReportWriter
{
    /// <summary>Writes a new report (kept next to the earlier ones) and makes it the campaign's latest.</summary>
    Task<ReportFiles> WriteAsync(string campaignId, ReportTrigger trigger, CancellationToken cancellationToken = default);

    /// <summary>The reports written for a campaign, oldest first.</summary>
    Task<IReadOnlyList<ReportFiles>> ListAsync(string campaignId, CancellationToken cancellationToken = default);
}
