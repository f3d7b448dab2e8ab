using System.Collections.Concurrent;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Reports.Tests;

/// <summary>A dictionary-backed <see cref="ILedger"/> for tests.</summary>
internal sealed class InMemoryLedger : ILedger
{
    private readonly ConcurrentDictionary<string, CampaignRecord> _campaigns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExperimentRecord> _experiments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sequences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, int), LeaderboardEntry> _leaderboard = new();
    private readonly ConcurrentDictionary<string, ModelCallRecord> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ControlRequest> _controls = new();
    private long _nextControl;

    public Task AppendLeaderboardAsync(LeaderboardEntry entry, CancellationToken cancellationToken = default)
    {
        _leaderboard.TryAdd((entry.CampaignId, entry.Index), entry);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LeaderboardEntry>> GetLeaderboardAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LeaderboardEntry>>(_leaderboard.Values.Where(e => e.CampaignId == campaignId).OrderBy(e => e.Index).ToList());

    public Task RecordModelCallAsync(ModelCallRecord call, CancellationToken cancellationToken = default)
    {
        _calls[call.Id] = call;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ModelCallRecord>> GetModelCallsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ModelCallRecord>>(_calls.Values.Where(c => c.CampaignId == campaignId).OrderBy(c => c.At).ThenBy(c => c.Id, StringComparer.Ordinal).ToList());

    public Task<ControlRequest> EnqueueControlAsync(ControlRequest request, CancellationToken cancellationToken = default)
    {
        var queued = request with { Id = Interlocked.Increment(ref _nextControl) };
        _controls[queued.Id] = queued;
        return Task.FromResult(queued);
    }

    public Task<IReadOnlyList<ControlRequest>> GetPendingControlsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ControlRequest>>(_controls.Values.Where(c => c.CampaignId == campaignId && c.AppliedAt is null).OrderBy(c => c.Id).ToList());

    public Task<IReadOnlyList<ControlRequest>> GetControlsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ControlRequest>>(_controls.Values.Where(c => c.CampaignId == campaignId).OrderBy(c => c.Id).ToList());

    public Task CompleteControlAsync(long id, DateTimeOffset appliedAt, ControlOutcome outcome, CancellationToken cancellationToken = default)
    {
        if (_controls.TryGetValue(id, out var c))
            _controls[id] = c with { AppliedAt = appliedAt, Outcome = outcome.Text, OutcomeKind = outcome.Kind };
        return Task.CompletedTask;
    }

    public Task<ControlRequest?> GetControlAsync(long id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_controls.GetValueOrDefault(id));

    public Task UpsertCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        _campaigns[campaign.Id] = campaign;
        return Task.CompletedTask;
    }

    public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_campaigns.GetValueOrDefault(campaignId));

    public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CampaignRecord>>(_campaigns.Values.OrderBy(c => c.CreatedAt).ToList());

    public Task SaveExperimentAsync(ExperimentRecord experiment, CancellationToken cancellationToken = default)
    {
        _experiments[experiment.Id] = experiment;
        return Task.CompletedTask;
    }

    public Task<ExperimentRecord?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_experiments.GetValueOrDefault(experimentId));

    public Task<IReadOnlyList<ExperimentRecord>> GetExperimentsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ExperimentRecord>>(
            _experiments.Values.Where(e => e.CampaignId == campaignId).OrderBy(e => e.Sequence).ToList());

    public Task<int> NextSequenceAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_sequences.AddOrUpdate(campaignId, 1, (_, n) => n + 1));
}
