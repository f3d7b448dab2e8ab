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

    /// <summary>The campaign's experiments without their text columns: one narrow query, no JSON to parse (but the parameters of held-out targets).</summary>
    public async Task<IReadOnlyList<ExperimentRecord>> GetExperimentDigestsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Experiments.AsNoTracking()
            .Where(x => x.CampaignId == campaignId)
            .OrderBy(x => x.Sequence).ThenBy(x => x.Id)
            .Select(x => new ExperimentRow
            {
                Id = x.Id, CampaignId = x.CampaignId, AgentId = x.AgentId, Sequence = x.Sequence, ProposerName = x.ProposerName,
                Status = x.Status, Failure = x.Failure, ExitCode = x.ExitCode, QueuedAt = x.QueuedAt, StartedAt = x.StartedAt, EndedAt = x.EndedAt,
                Objective = x.Objective, Attempt = x.Attempt, CpuSeconds = x.CpuSeconds, GpuSeconds = x.GpuSeconds, Seed = x.Seed,
                IsBaseline = x.IsBaseline, Kind = x.Kind, RepeatOf = x.RepeatOf, Verdict = x.Verdict, Confidence = x.Confidence, Margin = x.Margin,
                SlotStartedAt = x.SlotStartedAt, SlotEndedAt = x.SlotEndedAt, Tokens = x.Tokens, ArtifactsTruncated = x.ArtifactsTruncated, Origin = x.Origin, Host = x.Host,
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var digests = rows.ConvertAll(RecordMapper.ToDigest);
        // The experiments held-out runs re-validate keep their parameters (the held-out summary shows them): a handful of rows.
        var targets = digests.Where(e => e.IsHoldout && e.RepeatOf is not null).Select(e => e.RepeatOf!).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0) return digests;
        var parameters = await db.Experiments.AsNoTracking().Where(x => x.CampaignId == campaignId && targets.Contains(x.Id))
            .Select(x => new { x.Id, x.ParametersJson }).ToDictionaryAsync(x => x.Id, x => x.ParametersJson, StringComparer.Ordinal, cancellationToken)
            .ConfigureAwait(false);
        return digests.ConvertAll(e => parameters.TryGetValue(e.Id, out var json)
            ? e with { Parameters = RecordMapper.ReadParameters(json, $"parameters of experiment {e.Id}") }
            : e);
    }

    /// <summary>A row without its logs, metric curve and notes (the widest columns): no curve or note JSON to read or parse.</summary>
    private static readonly System.Linq.Expressions.Expression<Func<ExperimentRow, ExperimentRow>> WithoutLogs = x => new ExperimentRow
        {
            Id = x.Id, CampaignId = x.CampaignId, AgentId = x.AgentId, Sequence = x.Sequence, ProposerName = x.ProposerName,
            Status = x.Status, Failure = x.Failure, Reason = x.Reason, ImageId = x.ImageId, ContainerId = x.ContainerId, ExitCode = x.ExitCode,
            QueuedAt = x.QueuedAt, StartedAt = x.StartedAt, EndedAt = x.EndedAt, Objective = x.Objective, Attempt = x.Attempt,
            CpuSeconds = x.CpuSeconds, GpuSeconds = x.GpuSeconds, Seed = x.Seed, IsBaseline = x.IsBaseline, Hypothesis = x.Hypothesis, Diff = x.Diff,
            ParametersJson = x.ParametersJson, EditedFilesJson = x.EditedFilesJson, Kind = x.Kind, RepeatOf = x.RepeatOf, Verdict = x.Verdict,
            Confidence = x.Confidence, Margin = x.Margin, SlotStartedAt = x.SlotStartedAt, SlotEndedAt = x.SlotEndedAt, Tokens = x.Tokens,
            ArtifactsTruncated = x.ArtifactsTruncated, Origin = x.Origin, Host = x.Host,
        };

    /// <summary>Every column but the logs, metric curve and notes (the widest ones), so no curve or note JSON is parsed.</summary>
    public async Task<IReadOnlyList<ExperimentRecord>> GetExperimentsWithoutLogsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Experiments.AsNoTracking()
            .Where(x => x.CampaignId == campaignId)
            .OrderBy(x => x.Sequence).ThenBy(x => x.Id)
            .Select(WithoutLogs)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(RecordMapper.ToRecord);
    }

    /// <summary>Filters, sorts and windows in SQL; only the page's rows are read, without their logs, curves and notes.</summary>
    public async Task<ExperimentPage> QueryExperimentsAsync(string campaignId, ExperimentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validated();
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = Matching(db, campaignId, query);
        var total = await rows.CountAsync(cancellationToken).ConfigureAwait(false);
        // The sort reads only the sort keys and ids (sorting whole rows, logs and all, is what costs); then the page's rows by key.
        var ids = await Ordered(rows, query).Skip(query.Offset).Take(query.Limit).Select(x => x.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ExperimentPage(total, query.Offset, await ByIdsAsync(db, campaignId, ids, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<string>> QueryExperimentIdsAsync(string campaignId, ExperimentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await Ordered(Matching(db, campaignId, query), query).Select(x => x.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ExperimentRecord>> GetExperimentsByIdsAsync(string campaignId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await ByIdsAsync(db, campaignId, ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The campaign's rows matching the query's filters.</summary>
    private static IQueryable<ExperimentRow> Matching(LedgerDbContext db, string campaignId, ExperimentQuery query)
    {
        var rows = db.Experiments.AsNoTracking().Where(x => x.CampaignId == campaignId);
        if (query.Agent is { } agent) rows = rows.Where(x => x.AgentId == agent);
        if (query.Status is { } status) { var name = status.ToString(); rows = rows.Where(x => x.Status == name); }
        if (query.Verdict is { } verdict) { var name = verdict.ToString(); rows = rows.Where(x => x.Verdict == name); }
        if (query.Kind is { } kind) { var name = kind.ToString(); rows = rows.Where(x => x.Kind == name); }
        return rows;
    }

    /// <summary>The query's order, ties broken by number and id (the same order as <see cref="ExperimentQuery.Apply"/>).</summary>
    private static IOrderedQueryable<ExperimentRow> Ordered(IQueryable<ExperimentRow> rows, ExperimentQuery query)
    {
        var d = query.Descending;
        IOrderedQueryable<ExperimentRow> ordered = query.Sort switch
        {
            ExperimentSort.Objective => d
                ? rows.OrderBy(x => x.Objective == null ? 1 : 0).ThenByDescending(x => x.Objective)
                : rows.OrderBy(x => x.Objective == null ? 1 : 0).ThenBy(x => x.Objective),
            ExperimentSort.Agent => d ? rows.OrderByDescending(x => x.AgentId) : rows.OrderBy(x => x.AgentId),
            ExperimentSort.Status => d ? rows.OrderByDescending(x => x.Status) : rows.OrderBy(x => x.Status),
            _ => d ? rows.OrderByDescending(x => x.Sequence) : rows.OrderBy(x => x.Sequence),
        };
        return query.Sort == ExperimentSort.Sequence ? ordered.ThenBy(x => x.Id) : ordered.ThenBy(x => x.Sequence).ThenBy(x => x.Id);
    }

    /// <summary>The rows with these ids (without logs), in the order given; ids with no row are left out.</summary>
    private static async Task<List<ExperimentRecord>> ByIdsAsync(LedgerDbContext db, string campaignId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.ToList();
        var rowsById = await db.Experiments.AsNoTracking().Where(x => x.CampaignId == campaignId && wanted.Contains(x.Id)).Select(WithoutLogs)
            .ToDictionaryAsync(x => x.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        return wanted.Where(rowsById.ContainsKey).Select(id => RecordMapper.ToRecord(rowsById[id])).ToList();
    }

    public async Task<ExperimentRecord?> GetExperimentBySequenceAsync(string campaignId, int sequence, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Experiments.AsNoTracking().Where(x => x.CampaignId == campaignId && x.Sequence == sequence).OrderBy(x => x.Id)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : RecordMapper.ToRecord(row);
    }

    /// <summary>
    /// <see cref="CampaignHeadline.From"/> as aggregate queries (a count, the baseline, the best single run, the accepted best's runs):
    /// no experiment list is loaded.
    /// </summary>
    /// <summary>The signature by status and verdict, aggregated in the database from the covering index (no wide row is read).</summary>
    public async Task<ExperimentSignature> GetExperimentSignatureAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var groups = await db.Experiments.AsNoTracking()
            .Where(x => x.CampaignId == campaignId)
            .GroupBy(x => new { x.Status, x.Verdict })
            .Select(g => new { g.Key.Status, g.Key.Verdict, Count = g.Count(), Sequences = g.Sum(x => (long)x.Sequence), Objectives = g.Sum(x => x.Objective ?? 0.0) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return ExperimentSignature.Of(groups.Select(g => new ExperimentSignatureGroup(g.Status, g.Verdict, g.Count, g.Sequences, g.Objectives)));
    }

    public async Task<CampaignHeadline> GetHeadlineAsync(string campaignId, AutoResearch.Abstractions.Specs.MetricSpec metric, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metric);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        const string holdout = nameof(ExperimentKind.Holdout), proposal = nameof(ExperimentKind.Proposal), rejected = nameof(FailureKind.Rejected);
        const string ok = nameof(ExperimentStatus.Succeeded), failed = nameof(ExperimentStatus.Failed), pruned = nameof(ExperimentStatus.Pruned);
        var search = db.Experiments.AsNoTracking()
            .Where(x => x.CampaignId == campaignId && x.Kind != holdout && !(x.Failure == rejected && x.Attempt == 0 && x.Kind == proposal));
        var finished = await search.CountAsync(x => x.Status == ok || x.Status == failed || x.Status == pruned, cancellationToken).ConfigureAwait(false);
        // Finite objectives only (NaN is stored as NULL; infinities are outside these bounds).
        var usable = search.Where(x => x.Status == ok && x.Objective != null && x.Objective <= double.MaxValue && x.Objective >= -double.MaxValue);
        // The baseline is the mean of its runs (its first run and its noise repeats), as CampaignFacts has it.
        const string baselineKind = nameof(ExperimentKind.Baseline);
        var baselineId = await usable.Where(x => x.IsBaseline || x.Kind == baselineKind).OrderBy(x => x.Sequence).ThenBy(x => x.Id)
            .Select(x => x.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var baselineRuns = baselineId is null
            ? []
            : await usable.Where(x => x.Id == baselineId || x.RepeatOf == baselineId).Select(x => x.Objective!.Value)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        double? baseline = baselineRuns.Count > 0 ? baselineRuns.Average() : null;
        var accepted = await db.Leaderboard.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderByDescending(x => x.Idx)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        double? best;
        string? bestId;
        if (accepted is not null)
        {
            var id = accepted.ExperimentId;
            var runs = await usable.Where(x => x.Id == id || x.RepeatOf == id).Select(x => x.Objective!.Value)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            best = runs.Count > 0 ? runs.Average() : accepted.Objective;
            bestId = id;
        }
        else
        {
            var byValue = metric.Direction == AutoResearch.Abstractions.Specs.Direction.Minimize
                ? usable.OrderBy(x => x.Objective)
                : usable.OrderByDescending(x => x.Objective);
            var single = await byValue.ThenBy(x => x.Sequence).ThenBy(x => x.Id).Select(x => new { x.Id, x.Objective })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            best = single?.Objective;
            bestId = single?.Id;
        }

        int? bestSequence = bestId is null
            ? null
            : await db.Experiments.AsNoTracking().Where(x => x.CampaignId == campaignId && x.Id == bestId).Select(x => (int?)x.Sequence)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new CampaignHeadline(finished, baseline, best, bestId, bestSequence);
    }

    /// <summary>Inserts or replaces many experiments in one transaction (chunks of 1,000 rows): the bulk load benchmarks and imports use.</summary>
    public async Task SaveExperimentsAsync(IEnumerable<ExperimentRecord> experiments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in experiments.Select(RecordMapper.ToRow).Chunk(1000))
        {
            var ids = chunk.Select(r => r.Id).ToList();
            var existing = await db.Experiments.Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            foreach (var row in chunk)
            {
                if (existing.TryGetValue(row.Id, out var old)) db.Entry(old).CurrentValues.SetValues(row);
                else db.Experiments.Add(row);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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

    public async Task<LabQuota> GetLabQuotaAsync(string lab = LabQuota.DefaultLab, CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.LabQuotas.AsNoTracking().SingleOrDefaultAsync(x => x.Lab == lab, cancellationToken).ConfigureAwait(false);
        return row is null
            ? LabQuota.None with { Lab = lab }
            : new LabQuota
            {
                Lab = row.Lab,
                Limits = new Abstractions.Specs.BudgetSpec { Tokens = row.Tokens, GpuSeconds = row.GpuSeconds, CpuSeconds = row.CpuSeconds },
                SetBy = row.SetBy,
                SetAt = row.SetAt,
            };
    }

    public async Task SetLabQuotaAsync(LabQuota quota, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quota);
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var _ = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.LabQuotas.FindAsync([quota.Lab], cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            row = new LabQuotaRow { Lab = quota.Lab };
            db.LabQuotas.Add(row);
        }
        row.Tokens = quota.Limits.Tokens;
        row.GpuSeconds = quota.Limits.GpuSeconds;
        row.CpuSeconds = quota.Limits.CpuSeconds;
        row.SetBy = quota.SetBy;
        row.SetAt = quota.SetAt;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sums in the database: the runs' CPU- and GPU-seconds of every campaign, and every metered model call's tokens.</summary>
    public async Task<Abstractions.Specs.ResourceUse> GetLabUsageAsync(CancellationToken cancellationToken = default)
    {
        await initializer.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var runs = await db.Experiments.AsNoTracking()
            .GroupBy(_ => 1)
            .Select(g => new { Cpu = g.Sum(e => e.CpuSeconds), Gpu = g.Sum(e => e.GpuSeconds) })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var tokens = await db.ModelCalls.AsNoTracking().SumAsync(c => (long?)(c.PromptTokens + c.CompletionTokens), cancellationToken).ConfigureAwait(false);
        return new Abstractions.Specs.ResourceUse { CpuSeconds = runs?.Cpu ?? 0, GpuSeconds = runs?.Gpu ?? 0, Tokens = tokens ?? 0 };
    }

    private bool IsUniqueViolation(DbUpdateException e) => settings.Provider switch
    {
        LedgerProvider.Postgres => e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation },
        _ => e.InnerException is SqliteException { SqliteErrorCode: 19 },
    };
}
