namespace AutoResearch.Web.Campaigns;

/// <summary>One experiment in a list: what it was, how it ended (or how long it has run).</summary>
public sealed record ExperimentSummary(
    int Sequence,
    string Id,
    string Agent,
    string Kind,
    string Status,
    string Verdict,
    double? Objective,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double? Seconds,
    string Hypothesis,
    string? Reason,
    IReadOnlyDictionary<string, string> Parameters);
