namespace AutoResearch.Abstractions.Ports;

/// <summary>Writes a campaign's report files from the ledger and journal.</summary>
public interface IReportWriter
{
    Task<ReportFiles> WriteAsync(string campaignId, CancellationToken cancellationToken = default);
}

/// <summary>Paths of a written report.</summary>
public sealed record ReportFiles(string Markdown, string Html);
