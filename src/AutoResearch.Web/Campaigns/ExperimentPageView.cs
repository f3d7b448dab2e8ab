namespace AutoResearch.Web.Campaigns;

/// <summary>
/// One page of a campaign's experiments (<c>GET /api/campaigns/{id}/experiments</c>): how many matched the filters in all,
/// where the page starts, its size and sort, and its rows.
/// </summary>
public sealed record ExperimentPageView(int Total, int Offset, int Limit, string Sort, bool Desc, IReadOnlyList<ExperimentSummary> Items);
