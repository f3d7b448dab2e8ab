using System.Globalization;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>
/// What changes whenever a campaign's experiment is added or changes status, verdict or objective: per status and verdict,
/// how many experiments, the sum of their numbers and the sum of their objectives (a row that moves between groups changes
/// both groups' sums, since numbers are unique). The console keys a running campaign's computed views on it (with the
/// leaderboard, model calls and controls), so unchanged ticks of the live page cost one aggregate query, not every row.
/// </summary>
public sealed record ExperimentSignature(IReadOnlyList<ExperimentSignatureGroup> Groups)
{
    /// <summary>The signature computed from the records themselves (any ledger; the EF ledger aggregates in the database).</summary>
    public static ExperimentSignature From(IEnumerable<ExperimentRecord> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        return Of(experiments.GroupBy(e => (Status: e.Status.ToString(), Verdict: e.Verdict.ToString()))
            .Select(g => new ExperimentSignatureGroup(g.Key.Status, g.Key.Verdict, g.Count(), g.Sum(e => (long)e.Sequence), g.Sum(e => e.Objective ?? 0))));
    }

    /// <summary>The signature of <paramref name="groups"/> in a stable order.</summary>
    public static ExperimentSignature Of(IEnumerable<ExperimentSignatureGroup> groups) =>
        new(groups.OrderBy(g => g.Status, StringComparer.Ordinal).ThenBy(g => g.Verdict, StringComparer.Ordinal).ToList());

    /// <summary>The signature as one comparable text.</summary>
    public string Key => string.Join(';', Groups.Select(g =>
        string.Create(CultureInfo.InvariantCulture, $"{g.Status}/{g.Verdict}:{g.Count}:{g.SequenceSum}:{g.ObjectiveSum:R}")));
}

/// <summary>One status and verdict's share of an <see cref="ExperimentSignature"/>.</summary>
public sealed record ExperimentSignatureGroup(string Status, string Verdict, int Count, long SequenceSum, double ObjectiveSum);
