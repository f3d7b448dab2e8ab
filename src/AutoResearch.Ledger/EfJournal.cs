using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using Microsoft.EntityFrameworkCore;

namespace AutoResearch.Ledger;

/// <summary>
/// <see cref="IJournal"/> on EF Core: append and read only, by design there is no way to change or delete an entry.
/// Ids increase globally; within a campaign they are committed in id order, so <see cref="ReadAsync"/> with the last id seen never skips one.
/// </summary>
public sealed class EfJournal(
    IDbContextFactory<LedgerDbContext> factory,
    LedgerInitializer initializer,
    LedgerSettings settings,
    LedgerWriteGate gate) : IJournal
{
    public async Task<JournalEntry> AppendAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.CampaignId);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var row = RecordMapper.ToRow(entry);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Provider == LedgerProvider.Postgres)
        {
            // Identity values are taken before commit; serializing a campaign's appends keeps its commit order equal to id order.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({entry.CampaignId}))", cancellationToken).ConfigureAwait(false);
        }

        db.Journal.Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return entry with { Id = row.Id, At = row.At };
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(string campaignId, long afterId = 0, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Journal.AsNoTracking()
            .Where(j => j.CampaignId == campaignId && j.Id > afterId)
            .OrderBy(j => j.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToEntry);
    }
}
