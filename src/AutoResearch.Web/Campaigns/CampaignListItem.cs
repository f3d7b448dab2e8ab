namespace AutoResearch.Web.Campaigns;

/// <summary>One row of the campaigns list.</summary>
public sealed record CampaignListItem(
    string Id,
    string Name,
    string State,
    string Benchmark,
    string Metric,
    string Direction,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? Deadline,
    DateTimeOffset? EndedAt,
    int Finished,
    int MaxExperiments,
    double? Baseline,
    double? Best,
    int? BestSequence,
    int Agents,
    bool HostedHere);
