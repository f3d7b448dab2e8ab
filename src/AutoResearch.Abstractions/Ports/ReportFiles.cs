using AutoResearch.Abstractions.Reports;

namespace AutoResearch.Abstractions.Ports;

/// <summary>Paths of one written report (Markdown, self-contained HTML) and when and why it was written.</summary>
public sealed record ReportFiles(string Markdown, string Html)
{
    public DateTimeOffset WrittenAt { get; init; }
    public ReportTrigger Trigger { get; init; }

    /// <summary>The report's own folder in the campaign's report history (its files never change once written).</summary>
    public string? Snapshot { get; init; }
}
