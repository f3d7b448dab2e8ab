namespace AutoResearch.Reports;

/// <summary>
/// Keeps a report readable and fast at any campaign size: tables and charts show every row that matters (the baseline, the
/// best, each new best, the top experiments, failure examples) plus an even sample of the rest, up to a fixed size.
/// </summary>
public static class ReportSampling
{
    /// <summary>Most rows the experiments table shows (the full list is the console's experiments table and its export).</summary>
    public const int MaxTableRows = 500;

    /// <summary>Most rows the "stopped early" table shows.</summary>
    public const int MaxStoppedEarlyRows = 100;

    /// <summary>Most points a chart draws per series.</summary>
    public const int MaxChartPoints = 4000;

    /// <summary>
    /// <paramref name="items"/> when they are at most <paramref name="max"/>; otherwise every item <paramref name="keep"/> says,
    /// then an evenly spaced sample of the others filling the rest of <paramref name="max"/>, in their original order.
    /// </summary>
    public static IReadOnlyList<T> Thin<T>(IReadOnlyList<T> items, int max, Func<T, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (items.Count <= max) return items;
        var kept = new bool[items.Count];
        var keepCount = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (!keep(items[i])) continue;
            kept[i] = true;
            keepCount++;
        }

        long room = Math.Max(0, max - keepCount), rest = items.Count - keepCount;
        var shown = new List<T>(Math.Min(items.Count, keepCount + (int)room));
        long j = 0;
        for (var i = 0; i < items.Count; i++)
        {
            if (kept[i])
            {
                shown.Add(items[i]);
                continue;
            }

            // The j-th of the other items is taken when the running share j·room/rest crosses a whole number: exactly room of them, evenly spaced.
            if (room > 0 && (j + 1) * room / rest > j * room / rest) shown.Add(items[i]);
            j++;
        }

        return shown;
    }

    /// <summary>The experiments table's rows: the baseline, the best, every new best, the top experiments and failure examples, then an even sample.</summary>
    public static IReadOnlyList<ExperimentReportRow> TableRows(CampaignReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var important = model.TopExperiments.Select(t => t.Row.Id)
            .Concat(model.FailuresByKind.Select(f => f.ExampleExperimentId))
            .ToHashSet(StringComparer.Ordinal);
        return Thin(model.Experiments, MaxTableRows, r => r.IsBest || r.IsNewBest || r.IsBaseline || important.Contains(r.Id));
    }

    /// <summary>The sentence under a thinned table; null when every row is shown.</summary>
    public static string? ShownText(int shown, int total, string what) =>
        shown >= total
            ? null
            : $"Showing {shown:N0} of {total:N0} {what}: the baseline, the best, every new best, the top experiments and failure examples, and an even sample of the rest. " +
              "The console's experiments table has every one (sort, filter, CSV and JSON export).";
}
