using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// The experiments table's query string (<c>offset, limit, sort, desc, agent, status, verdict, kind</c>) as an
/// <see cref="ExperimentQuery"/>, with a problem per bad field; shared by the API, the exports and the console page.
/// </summary>
public static class ExperimentQueryText
{
    public static readonly IReadOnlyList<string> SortNames = ["sequence", "objective", "agent", "status"];

    public static string SortName(ExperimentSort sort) => SortNames[(int)sort];

    /// <summary>The query, or the problems (by parameter name) that make it invalid.</summary>
    public static (ExperimentQuery? Query, FormProblems Problems) Parse(
        int? offset, int? limit, string? sort, bool? desc, string? agent, string? status, string? verdict, string? kind)
    {
        var problems = new FormProblems();
        if (offset is < 0) problems.Add("offset", $"offset must be 0 or more (got {offset})");
        if (limit is { } l && (l < 1 || l > ExperimentQuery.MaxLimit))
            problems.Add("limit", $"limit must be between 1 and {ExperimentQuery.MaxLimit} (got {l})");
        var sortIndex = 0;
        if (!string.IsNullOrWhiteSpace(sort))
        {
            sortIndex = SortNames.ToList().FindIndex(n => string.Equals(n, sort.Trim(), StringComparison.OrdinalIgnoreCase));
            if (sortIndex < 0) problems.Add("sort", $"'{sort}' is not a sort; use {string.Join(", ", SortNames)}");
        }

        var s = Enum<ExperimentStatus>(status, "status", problems);
        var v = Enum<AcceptanceVerdict>(verdict, "verdict", problems);
        var k = Enum<ExperimentKind>(kind, "kind", problems);
        if (problems.Any) return (null, problems);
        return (new ExperimentQuery
        {
            Offset = offset ?? 0,
            Limit = limit ?? ExperimentQuery.DefaultLimit,
            Sort = (ExperimentSort)Math.Max(0, sortIndex),
            Descending = desc ?? false,
            Agent = string.IsNullOrWhiteSpace(agent) ? null : agent.Trim(),
            Status = s,
            Verdict = v,
            Kind = k,
        }, problems);
    }

    /// <summary>The query string that asks for <paramref name="q"/> (for links: pages, sort headers, exports); offset and limit left out when null.</summary>
    public static string ToQueryString(ExperimentQuery q, bool window = true)
    {
        var parts = new List<string>();
        if (window)
        {
            if (q.Offset > 0) parts.Add($"offset={q.Offset}");
            if (q.Limit != ExperimentQuery.DefaultLimit) parts.Add($"limit={q.Limit}");
        }
        if (q.Sort != ExperimentSort.Sequence) parts.Add($"sort={SortName(q.Sort)}");
        if (q.Descending) parts.Add("desc=true");
        if (q.Agent is { } a) parts.Add($"agent={Uri.EscapeDataString(a)}");
        if (q.Status is { } s) parts.Add($"status={s}");
        if (q.Verdict is { } v) parts.Add($"verdict={v}");
        if (q.Kind is { } k) parts.Add($"kind={k}");
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static T? Enum<T>(string? text, string field, FormProblems problems) where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // Names only: a number would pass Enum.TryParse and name no value.
        if (System.Enum.TryParse<T>(text.Trim(), ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !char.IsDigit(text.Trim()[0])) return value;
        problems.Add(field, $"'{text}' is not a {field}; use {string.Join(", ", System.Enum.GetNames<T>())}");
        return null;
    }
}
