using AutoResearch.Abstractions.Experiments;

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

    /// <summary>Next free per-campaign sequence number (atomic).</summary>
    Task<int> NextSequenceAsync(string campaignId, CancellationToken cancellationToken = default);
}
