namespace AutoResearch.Web.Campaigns;

/// <summary>One journal entry as the console shows it.</summary>
public sealed record JournalItem(long Id, DateTimeOffset At, string Author, string Kind, string Text, string? ExperimentId, int? ExperimentSequence);
