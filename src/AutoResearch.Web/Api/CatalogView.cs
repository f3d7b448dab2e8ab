using AutoResearch.Web.Campaigns;

namespace AutoResearch.Web.Api;

/// <summary>What a new campaign can be made of.</summary>
public sealed record CatalogView(IReadOnlyList<CatalogBenchmark> Benchmarks, IReadOnlyList<CatalogRole> Roles, IReadOnlyList<string> ModelEndpoints);
