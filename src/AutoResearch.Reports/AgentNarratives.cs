using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>Builds <see cref="AgentNarrative"/>: an agent's section of the report from its experiments, model calls and journal.</summary>
internal static class AgentNarratives
{
    public const int RecentHypotheses = 3;
    public const int LatestReflections = 3;

    private static readonly JournalEntryKind[] Reflective = [JournalEntryKind.Insight, JournalEntryKind.DeadEnd, JournalEntryKind.Reflection];

    public static AgentNarrative Build(
        string agentId,
        BenchmarkSpec benchmark,
        IReadOnlyList<ExperimentRecord> mine,
        IReadOnlyList<ModelCallRecord> calls,
        IReadOnlyList<LeaderboardEntry> leaderboard,
        IReadOnlyList<JournalEntry> journal,
        DateTimeOffset origin)
    {
        var proposals = mine.Where(e => e.Kind == ExperimentKind.Proposal && !e.IsBaselineRun).ToList();
        var accepted = leaderboard.Where(l => l.Index > 0 && l.AgentId == agentId).ToList();
        var bestAccepted = accepted.Count == 0 ? null : benchmark.Metric.Direction == Direction.Minimize
            ? accepted.MinBy(l => l.Objective)
            : accepted.MaxBy(l => l.Objective);
        var entries = journal.Where(j => j.Author == agentId).OrderBy(j => j.At).ThenBy(j => j.Id).ToList();
        var reflective = entries.Where(j => Reflective.Contains(j.Kind)).ToList();
        return new AgentNarrative
        {
            Proposals = proposals.Count,
            WithEdits = proposals.Count(e => e.Diff is not null || e.EditedFiles.Count > 0),
            Repeats = mine.Count(e => e.Kind == ExperimentKind.Repeat),
            Explored = Explored(benchmark, proposals),
            RecentHypotheses = proposals.Where(e => !string.IsNullOrWhiteSpace(e.Hypothesis)).OrderBy(e => e.Sequence)
                .TakeLast(RecentHypotheses).Select(e => $"#{e.Sequence}: {ReportFormat.OneLine(e.Hypothesis, 300)}").ToList(),
            AcceptedBests = accepted.Count,
            BestAccepted = bestAccepted?.Objective,
            BestAcceptedSequence = bestAccepted?.Sequence,
            JournalCounts = Counts(entries),
            LatestReflections = reflective.TakeLast(LatestReflections).ToList(),
            Burn = Burn(mine, calls, origin),
        };
    }

    /// <summary>Per parameter the agent moved away from the default: the range (numbers) or the values (choices) it tried.</summary>
    internal static List<string> Explored(BenchmarkSpec benchmark, IReadOnlyList<ExperimentRecord> proposals)
    {
        var lines = new List<string>();
        foreach (var p in benchmark.Parameters)
        {
            var values = proposals.Select(e => e.Parameters.Get(p.Name)).Where(v => v is not null).Select(v => v!).ToList();
            var defaultValue = p.DefaultValue();
            if (values.Count == 0 || values.All(v => v == defaultValue)) continue;
            var distinct = values.Distinct().Select(v => v.Text).ToList();
            if (p.Type is ParameterType.Int or ParameterType.Float)
            {
                var numbers = values.Where(v => v.IsNumber).Select(v => v.AsNumber).ToList();
                if (numbers.Count == 0) continue;
                var range = numbers.Min() == numbers.Max() ? Number(numbers.Min()) : $"{Number(numbers.Min())} – {Number(numbers.Max())}";
                var of = p.Min is { } min && p.Max is { } max ? $" of [{Number(min)}, {Number(max)}]" : "";
                lines.Add($"{p.Name}: {range}{of} ({(distinct.Count == 1 ? "1 value" : $"{distinct.Count} values")})");
            }
            else
            {
                var shown = distinct.Take(6).ToList();
                lines.Add($"{p.Name}: {string.Join(", ", shown)}{(distinct.Count > shown.Count ? $" and {distinct.Count - shown.Count} more" : "")}");
            }
        }

        return lines;
    }

    /// <summary>Cumulative CPU/GPU seconds (at each experiment's end) and tokens (at each model call), in time order.</summary>
    internal static List<BurnPoint> Burn(IReadOnlyList<ExperimentRecord> mine, IReadOnlyList<ModelCallRecord> calls, DateTimeOffset origin)
    {
        // Tokens come from the model calls; from the experiments' own counts for campaigns recorded before calls were metered.
        var tokensFromExperiments = calls.Count == 0;
        var events = mine.Where(e => e.IsFinished)
            .Select(e => (At: CampaignReportBuilder.FinishedAt(e), Cpu: e.CpuSeconds, Gpu: e.GpuSeconds, Tokens: tokensFromExperiments ? e.Tokens : 0L))
            .Concat(calls.Select(c => (At: c.At, Cpu: 0.0, Gpu: 0.0, Tokens: c.TotalTokens)))
            .OrderBy(x => x.At)
            .ToList();
        var points = new List<BurnPoint>(events.Count + 1) { new(0, 0, 0, 0) };
        double cpu = 0, gpu = 0;
        long tokens = 0;
        foreach (var x in events)
        {
            cpu += x.Cpu;
            gpu += x.Gpu;
            tokens += x.Tokens;
            points.Add(new BurnPoint(Math.Max(0, (x.At - origin).TotalMinutes), cpu, gpu, tokens));
        }

        return points;
    }

    private static string Counts(IReadOnlyList<JournalEntry> entries)
    {
        var parts = new List<string>();
        foreach (var (kind, one, many) in new[]
                 {
                     (JournalEntryKind.Hypothesis, "hypothesis", "hypotheses"), (JournalEntryKind.Result, "result", "results"),
                     (JournalEntryKind.Reflection, "reflection", "reflections"), (JournalEntryKind.Insight, "insight", "insights"),
                     (JournalEntryKind.DeadEnd, "dead end", "dead ends"), (JournalEntryKind.Note, "note", "notes"),
                 })
        {
            var n = entries.Count(e => e.Kind == kind);
            if (n > 0) parts.Add(n == 1 ? $"1 {one}" : $"{n} {many}");
        }

        return string.Join(", ", parts);
    }


    private static string Number(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
