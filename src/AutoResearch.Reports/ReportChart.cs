namespace AutoResearch.Reports;

/// <summary>One rendered chart of a report: the file it is saved as next to <c>report.md</c>, its caption, and the PNG.</summary>
public sealed record ReportChart(string FileName, string Title, byte[] Png);
