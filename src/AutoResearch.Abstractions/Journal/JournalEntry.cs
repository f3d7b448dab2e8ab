namespace AutoResearch.Abstractions.Journal;

/// <summary>One append-only entry of a campaign's shared journal.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.JournalEntry")]
public sealed record JournalEntry
{
    /// <summary>Assigned by the journal on append; 0 before.</summary>
    [Id(0)] public long Id { get; init; }
    [Id(1)] public required string CampaignId { get; init; }

    /// <summary>Agent id, or a person's name for notes, or <c>system</c>.</summary>
    [Id(2)] public required string Author { get; init; }
    [Id(3)] public required JournalEntryKind Kind { get; init; }
    [Id(4)] public required string Text { get; init; }
    [Id(5)] public string? ExperimentId { get; init; }
    [Id(6)] public required DateTimeOffset At { get; init; }
}
