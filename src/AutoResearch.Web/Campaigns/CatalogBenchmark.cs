namespace AutoResearch.Web.Campaigns;

/// <summary>A benchmark the new-campaign form offers (or why its folder cannot be used).</summary>
public sealed record CatalogBenchmark(
    string Name,
    string Folder,
    string? Description,
    string? Metric,
    string? Direction,
    double? TimeLimitSeconds,
    int Parameters,
    IReadOnlyList<string> Editable,
    string? Image,
    int Gpus,
    string? Problem);
