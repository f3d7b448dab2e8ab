namespace AutoResearch.Abstractions.Experiments;

/// <summary>What a page of a campaign's experiments is sorted by.</summary>
public enum ExperimentSort
{
    /// <summary>The order proposed (the experiment number).</summary>
    Sequence,

    /// <summary>The objective; experiments without one come last in either direction.</summary>
    Objective,

    /// <summary>The agent id (ordinal), then the experiment number.</summary>
    Agent,

    /// <summary>The status name (ordinal), then the experiment number.</summary>
    Status,
}

/// <summary>
/// One page of a campaign's experiments: filters (agent, status, verdict, kind), a sort and an offset/limit window.
/// Ties are always broken by the experiment number, so pages never overlap or skip.
/// </summary>
public sealed record ExperimentQuery
{
    /// <summary>The largest page a caller can ask for.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The page size when none is given.</summary>
    public const int DefaultLimit = 50;

    public int Offset { get; init; }
    public int Limit { get; init; } = DefaultLimit;
    public ExperimentSort Sort { get; init; } = ExperimentSort.Sequence;
    public bool Descending { get; init; }
    public string? Agent { get; init; }
    public ExperimentStatus? Status { get; init; }
    public AcceptanceVerdict? Verdict { get; init; }
    public ExperimentKind? Kind { get; init; }

    /// <summary>Throws when the window is out of range (negative offset, limit outside 1..<see cref="MaxLimit"/>).</summary>
    public ExperimentQuery Validated()
    {
        if (Offset < 0) throw new ArgumentOutOfRangeException(nameof(Offset), Offset, "offset must be 0 or more");
        if (Limit is < 1 or > MaxLimit) throw new ArgumentOutOfRangeException(nameof(Limit), Limit, $"limit must be between 1 and {MaxLimit}");
        return this;
    }

    /// <summary>Whether <paramref name="e"/> passes the filters.</summary>
    public bool Matches(ExperimentRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return (Agent is null || string.Equals(e.AgentId, Agent, StringComparison.Ordinal))
            && (Status is null || e.Status == Status)
            && (Verdict is null || e.Verdict == Verdict)
            && (Kind is null || e.Kind == Kind);
    }

    /// <summary>The reference implementation: filters, sorts and windows <paramref name="experiments"/> in memory (what the ledger's SQL must equal).</summary>
    public ExperimentPage Apply(IEnumerable<ExperimentRecord> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        Validated();
        var matching = experiments.Where(Matches).ToList();
        IOrderedEnumerable<ExperimentRecord> sorted = Sort switch
        {
            ExperimentSort.Objective => Descending
                ? matching.OrderBy(NoObjective).ThenByDescending(e => e.Objective)
                : matching.OrderBy(NoObjective).ThenBy(e => e.Objective),
            ExperimentSort.Agent => Descending
                ? matching.OrderByDescending(e => e.AgentId, StringComparer.Ordinal)
                : matching.OrderBy(e => e.AgentId, StringComparer.Ordinal),
            ExperimentSort.Status => Descending
                ? matching.OrderByDescending(e => e.Status.ToString(), StringComparer.Ordinal)
                : matching.OrderBy(e => e.Status.ToString(), StringComparer.Ordinal),
            _ => Descending ? matching.OrderByDescending(e => e.Sequence) : matching.OrderBy(e => e.Sequence),
        };
        // Ties: the experiment number, in the page's direction for a sequence sort, ascending otherwise.
        var ordered = Sort == ExperimentSort.Sequence
            ? sorted.ThenBy(e => e.Id, StringComparer.Ordinal)
            : sorted.ThenBy(e => e.Sequence).ThenBy(e => e.Id, StringComparer.Ordinal);
        return new ExperimentPage(matching.Count, Offset, ordered.Skip(Offset).Take(Limit).ToList());
    }

    // NaN is stored as NULL (SQLite), so it sorts with the missing objectives.
    private static int NoObjective(ExperimentRecord e) => e.Objective is { } v && !double.IsNaN(v) ? 0 : 1;
}

/// <summary>A window of a filtered, sorted list of experiments and how many matched in all.</summary>
public sealed record ExperimentPage(int Total, int Offset, IReadOnlyList<ExperimentRecord> Items);
