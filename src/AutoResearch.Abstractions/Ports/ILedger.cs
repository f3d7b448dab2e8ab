using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Ports;

/// <summary>The durable record of campaigns and experiments.</summary>
public interface ILedger
{
    Task UpsertCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default);
    Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces an experiment (by id).</summary>
    Task SaveExperimentAsync(ExperimentRecord experiment, CancellationToken cancellationToken = default);

    Task<ExperimentRecord?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default);

    /// <summary>All experiments of a campaign ordered by sequence.</summary>
    Task<IReadOnlyList<ExperimentRecord>> GetExperimentsAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>
    /// All experiments of a campaign ordered by sequence, without their bulky text: hypothesis, reason, diff, logs, parameters,
    /// metric curve, edited files and notes are left empty (parameters are kept for the experiments a held-out run re-validates).
    /// Enough for counts, bests, budgets, agent states and the held-out summary.
    /// </summary>
    Task<IReadOnlyList<ExperimentRecord>> GetExperimentDigestsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        GetExperimentsAsync(campaignId, cancellationToken);

    /// <summary>
    /// All experiments of a campaign ordered by sequence without their logs, metric curves and runner notes (LogHead, LogTail,
    /// Metrics and Notes are empty): what a report reads.
    /// </summary>
    Task<IReadOnlyList<ExperimentRecord>> GetExperimentsWithoutLogsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        GetExperimentsAsync(campaignId, cancellationToken);

    /// <summary>
    /// One page of a campaign's experiments, filtered and sorted (see <see cref="ExperimentQuery"/>). A ledger may leave the
    /// rows' logs, metric curves and notes empty (as <see cref="GetExperimentsWithoutLogsAsync"/>); read one experiment for them.
    /// </summary>
    async Task<ExperimentPage> QueryExperimentsAsync(string campaignId, ExperimentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Apply(await GetExperimentsAsync(campaignId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The ids of every experiment matching <paramref name="query"/>'s filters, in its order (its window is ignored), read at
    /// once: an export pages over this list, so a row that changes while it is written is neither repeated nor skipped.
    /// </summary>
    async Task<IReadOnlyList<string>> QueryExperimentIdsAsync(string campaignId, ExperimentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = await GetExperimentsAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        for (var offset = 0; ; offset += ExperimentQuery.MaxLimit)
        {
            var page = (query with { Offset = offset, Limit = ExperimentQuery.MaxLimit }).Apply(all);
            ids.AddRange(page.Items.Select(e => e.Id));
            if (page.Items.Count < ExperimentQuery.MaxLimit) return ids;
        }
    }

    /// <summary>
    /// The campaign's experiments with these ids, in the order given, without logs, metric curves and notes (a ledger may
    /// include them); ids with no experiment (any more) are left out.
    /// </summary>
    async Task<IReadOnlyList<ExperimentRecord>> GetExperimentsByIdsAsync(string campaignId, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var byId = (await GetExperimentsAsync(campaignId, cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Id, StringComparer.Ordinal);
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    /// <summary>A campaign's experiment by its number; null when none.</summary>
    async Task<ExperimentRecord?> GetExperimentBySequenceAsync(string campaignId, int sequence, CancellationToken cancellationToken = default) =>
        (await GetExperimentsAsync(campaignId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.Sequence == sequence);

    /// <summary>What a campaigns list shows of the campaign's experiments (see <see cref="CampaignHeadline"/>).</summary>
    async Task<CampaignHeadline> GetHeadlineAsync(string campaignId, Specs.MetricSpec metric, CancellationToken cancellationToken = default) =>
        CampaignHeadline.From(
            await GetExperimentsAsync(campaignId, cancellationToken).ConfigureAwait(false),
            await GetLeaderboardAsync(campaignId, cancellationToken).ConfigureAwait(false),
            metric);

    /// <summary>
    /// What changes whenever one of the campaign's experiments is added or changes status, verdict or objective
    /// (<see cref="ExperimentSignature"/>): one aggregate query in the EF ledger.
    /// </summary>
    async Task<ExperimentSignature> GetExperimentSignatureAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ExperimentSignature.From(await GetExperimentDigestsAsync(campaignId, cancellationToken).ConfigureAwait(false));

    /// <summary>Inserts or replaces many experiments (by id): a bulk load.</summary>
    async Task SaveExperimentsAsync(IEnumerable<ExperimentRecord> experiments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        foreach (var e in experiments)
            await SaveExperimentAsync(e, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Next free per-campaign sequence number (atomic).</summary>
    Task<int> NextSequenceAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Appends an accepted best (idempotent by campaign and index).</summary>
    Task AppendLeaderboardAsync(LeaderboardEntry entry, CancellationToken cancellationToken = default);

    /// <summary>A campaign's accepted bests ordered by index (baseline first).</summary>
    Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Records one model call (idempotent by id).</summary>
    Task RecordModelCallAsync(ModelCallRecord call, CancellationToken cancellationToken = default);

    /// <summary>A campaign's model calls ordered by time.</summary>
    Task<IReadOnlyList<ModelCallRecord>> GetModelCallsAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Queues a control request; returns it with its id.</summary>
    Task<ControlRequest> EnqueueControlAsync(ControlRequest request, CancellationToken cancellationToken = default);

    /// <summary>Control requests of a campaign not applied yet, oldest first.</summary>
    Task<IReadOnlyList<ControlRequest>> GetPendingControlsAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Marks a control request applied with its outcome (its kind and its text).</summary>
    Task CompleteControlAsync(long id, DateTimeOffset appliedAt, ControlOutcome outcome, CancellationToken cancellationToken = default);

    Task<ControlRequest?> GetControlAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Every control request of a campaign, applied or not, oldest first (the audit trail of pauses, stops and budget changes).</summary>
    Task<IReadOnlyList<ControlRequest>> GetControlsAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>The lab's quota (<see cref="LabQuota.DefaultLab"/>: the one lab of a ledger); <see cref="LabQuota.None"/> when none was set.</summary>
    Task<LabQuota> GetLabQuotaAsync(string lab = LabQuota.DefaultLab, CancellationToken cancellationToken = default) => Task.FromResult(LabQuota.None);

    /// <summary>Sets (replaces) a lab's quota.</summary>
    Task SetLabQuotaAsync(LabQuota quota, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("this ledger keeps no lab quotas");

    /// <summary>
    /// What the lab's campaigns have used, as recorded: the runs' CPU- and GPU-seconds and the metered model tokens (every
    /// campaign of the ledger: one lab per ledger).
    /// </summary>
    async Task<ResourceUse> GetLabUsageAsync(CancellationToken cancellationToken = default)
    {
        var used = ResourceUse.Zero;
        foreach (var campaign in await ListCampaignsAsync(cancellationToken))
        {
            foreach (var e in await GetExperimentsWithoutLogsAsync(campaign.Id, cancellationToken))
                used += new ResourceUse { CpuSeconds = e.CpuSeconds, GpuSeconds = e.GpuSeconds };
            used += new ResourceUse { Tokens = (await GetModelCallsAsync(campaign.Id, cancellationToken)).Sum(c => c.TotalTokens) };
        }
        return used;
    }
}
