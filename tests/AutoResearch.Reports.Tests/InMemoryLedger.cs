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
