using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AutoResearch.Ledger;

/// <summary>
/// <see cref="ILedger"/> on EF Core (SQLite or PostgreSQL). Thread-safe: every call uses its own short-lived context.
/// </summary>
public sealed class EfLedger(
    IDbContextFactory<LedgerDbContext> factory,
    LedgerInitializer initializer,
    LedgerSettings settings,
    LedgerWriteGate gate) : ILedger
{
    private const int MaxUpsertAttempts = 5;

    // One statement on both providers: atomic under any number of concurrent callers and processes.
    private static readonly string NextSequenceSql =
        $"INSERT INTO {LedgerDbContext.SequencesTable} (campaign_id, last_sequence) VALUES (@campaign, 1) " +
        $"ON CONFLICT (campaign_id) DO UPDATE SET last_sequence = {LedgerDbContext.SequencesTable}.last_sequence + 1 " +
        "RETURNING last_sequence";

    public async Task UpsertCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var row = RecordMapper.ToRow(campaign);
        await UpsertAsync(row, row.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RecordMapper.ToRecord(row);
    }

    /// <summary>All campaigns, oldest first.</summary>
    public async Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Campaigns.AsNoTracking()
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToRecord);
    }

    public async Task SaveExperimentAsync(ExperimentRecord experiment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var row = RecordMapper.ToRow(experiment);
        await UpsertAsync(row, row.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ExperimentRecord?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Experiments.AsNoTracking().SingleOrDefaultAsync(x => x.Id == experimentId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RecordMapper.ToRecord(row);
    }

    public async Task<IReadOnlyList<ExperimentRecord>> GetExperimentsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Experiments.AsNoTracking()
            .Where(x => x.CampaignId == campaignId)
            .OrderBy(x => x.Sequence).ThenBy(x => x.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToRecord);
    }

    /// <summary>1 for a campaign's first call, then 2, 3, ...: never the same number twice, across threads and processes.</summary>
    public async Task<int> NextSequenceAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = NextSequenceSql;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@campaign";
            parameter.Value = campaignId;
            command.Parameters.Add(parameter);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Insert or replace by key in one transaction. SQLite's transactions take the write lock up front (BEGIN IMMEDIATE), so
    /// concurrent upserts serialize; on PostgreSQL two first inserts of one key can race, and the loser retries as an update.
    /// </summary>
    private async Task UpsertAsync<TRow>(TRow row, string key, CancellationToken cancellationToken)
        where TRow : class
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var existing = await db.Set<TRow>().FindAsync([key], cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    db.Add(row);
                }
                else
                {
                    db.Entry(existing).CurrentValues.SetValues(row);
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DbUpdateException e) when (attempt < MaxUpsertAttempts && IsUniqueViolation(e))
            {
                // Lost an insert race; the next attempt finds the row and updates it.
            }
        }
    }

    /// <summary>
    /// Stores an accepted best. The leaderboard is history: a second call for the same campaign and index (a resumed campaign
    /// replaying its last judgement) leaves the stored entry as it is, so the first write wins, as in every other ledger.
    /// </summary>
    public async Task AppendLeaderboardAsync(LeaderboardEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.CampaignId);
        var row = RecordMapper.ToRow(entry);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await db.Leaderboard.AnyAsync(x => x.CampaignId == row.CampaignId && x.Idx == row.Idx, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        db.Leaderboard.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            // Another process stored this index first (PostgreSQL race); its entry stands.
        }
    }

    public async Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Leaderboard.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderBy(x => x.Idx)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToEntry);
    }

    public async Task RecordModelCallAsync(ModelCallRecord call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var row = RecordMapper.ToRow(call);
        await UpsertAsync(row, row.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ModelCallRecord>> GetModelCallsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.ModelCalls.AsNoTracking().Where(x => x.CampaignId == campaignId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(x => x.At).ThenBy(x => x.Id, StringComparer.Ordinal).Select(RecordMapper.ToRecord).ToList();
    }

    public async Task<ControlRequest> EnqueueControlAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = RecordMapper.ToRow(request with { AppliedAt = null, Outcome = null, OutcomeKind = null });
        db.Controls.Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return RecordMapper.ToRecord(row);
    }

    public async Task<IReadOnlyList<ControlRequest>> GetPendingControlsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Controls.AsNoTracking().Where(x => x.CampaignId == campaignId && x.AppliedAt == null).OrderBy(x => x.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToRecord);
    }

    public async Task<IReadOnlyList<ControlRequest>> GetControlsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Controls.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderBy(x => x.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToRecord);
    }

    public async Task CompleteControlAsync(long id, DateTimeOffset appliedAt, ControlOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Controls.FindAsync([id], cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No control request {id} in the ledger.");
        row.AppliedAt = appliedAt;
        row.Outcome = outcome.Text;
        row.OutcomeKind = outcome.Kind.ToString();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlRequest?> GetControlAsync(long id, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Controls.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RecordMapper.ToRecord(row);
    }

    private bool IsUniqueViolation(DbUpdateException e) => settings.Provider switch
    {
        LedgerProvider.Postgres => e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation },
        _ => e.InnerException is SqliteException { SqliteErrorCode: 19 },
    };
}
