namespace AutoResearch.Abstractions.Journal;

/// <summary>What a journal entry is about.</summary>
[GenerateSerializer, Alias("AutoResearch.JournalEntryKind")]
public enum JournalEntryKind
{
    Hypothesis = 0,
    Result = 1,
    Reflection = 2,
    Insight = 3,
    DeadEnd = 4,
    Note = 5,
    System = 6,
}
