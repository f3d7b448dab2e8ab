using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Reports.Tests;

/// <summary>A list-backed <see cref="IJournal"/> for tests.</summary>
internal sealed class InMemoryJournal : IJournal
{
    private readonly List<JournalEntry> _entries = [];
    private readonly Lock _gate = new();

    public Task<JournalEntry> AppendAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var stored = entry with { Id = _entries.Count + 1 };
            _entries.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAsync(string campaignId, long afterId = 0, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<JournalEntry>>(
                _entries.Where(e => e.CampaignId == campaignId && e.Id > afterId).OrderBy(e => e.Id).ToList());
        }
    }
}
