namespace AutoResearch.Web.Campaigns;

/// <summary>One report of a campaign's history, by name (its history folder); the newest is the latest.</summary>
public sealed record ReportItem(string Name, DateTimeOffset WrittenAt, string Trigger, string HtmlUrl, string MarkdownUrl);
