using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Reports;

/// <summary>What one agent did, for its section of the report: what it tried, how it went, what it wrote in the journal.</summary>
public sealed record AgentNarrative
{
    /// <summary>Proposals it ran (not counting repeats), of which with code edits, and repeats it ran for the campaign.</summary>
    public int Proposals { get; init; }
    public int WithEdits { get; init; }
    public int Repeats { get; init; }

    /// <summary>Per parameter it varied: the values or range it tried, e.g. <c>lr: 0.001 – 0.3 (9 values)</c>.</summary>
    public IReadOnlyList<string> Explored { get; init; } = [];

    /// <summary>Its most recent hypotheses, newest last.</summary>
    public IReadOnlyList<string> RecentHypotheses { get; init; } = [];

    /// <summary>Accepted bests it produced (leaderboard entries), and the best of them.</summary>
    public int AcceptedBests { get; init; }
    public double? BestAccepted { get; init; }
    public int? BestAcceptedSequence { get; init; }

    /// <summary>Its journal entries by kind, e.g. <c>5 reflections, 2 insights, 1 dead end</c>; empty when it wrote none.</summary>
    public string JournalCounts { get; init; } = "";

    /// <summary>Its latest insights, dead ends and reflections (newest last).</summary>
    public IReadOnlyList<JournalEntry> LatestReflections { get; init; } = [];

    /// <summary>Cumulative use over the campaign.</summary>
    public IReadOnlyList<BurnPoint> Burn { get; init; } = [];
}
