using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Abstractions.Ports;

/// <summary>A campaign's append-only shared journal.</summary>
public interface IJournal
{
    /// <summary>Appends and returns the entry with its assigned id.</summary>
    Task<JournalEntry> AppendAsync(JournalEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Entries with id greater than <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAsync(string campaignId, long afterId = 0, CancellationToken cancellationToken = default);
}
