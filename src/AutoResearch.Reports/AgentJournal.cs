using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Reports;

/// <summary>An author's most recent reflections (oldest first) and how many they wrote in all.</summary>
public sealed record AgentJournal
{
    public required string Author { get; init; }
    public required IReadOnlyList<JournalEntry> Recent { get; init; }
    public required int Total { get; init; }
}
