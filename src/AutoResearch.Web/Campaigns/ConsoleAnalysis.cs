using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Edits;
using AutoResearch.Evaluation;
using AutoResearch.Reports;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// The morning-after views, shared by their pages and their API: a campaign's analysis (parameter importance, the points of
/// the parallel coordinates and slice plots), a comparison of a few experiments, and a night's overview. Every number
/// comes from the ledger through the one projection (<see cref="CampaignFacts"/>, <see cref="HoldoutSummary"/>,
/// <see cref="ParameterImportance"/>); nothing here has its own rule for a best, a baseline or a verdict.
/// </summary>
public sealed class ConsoleAnalysis(ILedger ledger, IReportWriter reports, TimeProvider clock)
{
    /// <summary>Most runs whose intermediate values the analysis draws (the baseline and the best).</summary>
    public const int MaxCurves = 8;

    /// <summary>Most experiments a comparison takes.</summary>
    public const int MaxCompared = 4;

    /// <summary>Most results the plots draw: the baseline, the best and the top results, then an even sample of the rest.</summary>
    public const int MaxPoints = 1500;

    /// <summary>Most numeric parameters (by importance) whose pairs get a contour surface.</summary>
    public const int MaxContourParameters = 4;

    /// <summary>Most settled campaigns whose night row is kept in memory.</summary>
    private const int NightCacheSize = 64;

    /// <summary>Most settled campaigns whose analysis is kept in memory.</summary>
    private const int CacheSize = 8;

    /// <summary>Settled campaigns' analyses by campaign id, with the key they were computed under.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Key, AnalysisView View)> _settled = new(StringComparer.Ordinal);

    /// <summary>
    /// A campaign's analysis; null when there is no such campaign. A settled campaign's (completed, stopped or failed) is kept
    /// while its state, end, experiment count and last number, and leaderboard size stay the same.
    /// </summary>
    public async Task<AnalysisView?> AnalysisAsync(string id, CancellationToken cancellationToken)
    {
        if (await ledger.GetCampaignAsync(id, cancellationToken) is not { } campaign) return null;
        // A running campaign's analysis is kept too, while its ledger key holds (an aggregate query, not every row).
        var key = await SettledCampaignKey.OfAsync(ledger, campaign, cancellationToken) ?? "live|" + await ConsoleCampaigns.LedgerKeyAsync(ledger, campaign, cancellationToken);
        if (_settled.TryGetValue(id, out var kept) && kept.Key == key) return kept.View;
        var view = await ComputeAnalysisAsync(campaign, cancellationToken);
        if (key is not null)
        {
            _settled[id] = (key, view);
            foreach (var other in _settled.Keys.Where(k => k != id).Skip(CacheSize - 1).ToList()) _settled.TryRemove(other, out _);
        }
        return view;
    }


    /// <summary>Settled campaigns' night rows by campaign id, with their key (the report count is read afresh).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Key, NightCampaign Row)> _nightRows = new(StringComparer.Ordinal);

    private async Task<AnalysisView> ComputeAnalysisAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var (experiments, facts) = await FactsAsync(campaign, cancellationToken);
        var spec = campaign.Spec.Benchmark;
        var importance = ParameterImportance.Compute(spec.Parameters, experiments, facts.Direction, facts.Best, facts.Noise);
        var usable = experiments.Where(e => e.HasUsableObjective).ToList();
        // The plots draw every result up to MaxPoints; beyond, the baseline, the best and the top results, then an even sample.
        var minimize = facts.Direction == Abstractions.Specs.Direction.Minimize;
        var topIds = usable.OrderBy(e => minimize ? e.Objective!.Value : -e.Objective!.Value).Take(MaxPoints / 10).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var points = ReportSampling.Thin(usable, MaxPoints, e => e.Id == facts.Best?.ExperimentId || e.Id == facts.Baseline?.ExperimentId || topIds.Contains(e.Id))
            .Select(e => new AnalysisPoint(e.Sequence, e.AgentId, Kind(e), e.Objective!.Value, e.Parameters))
            .ToList();
        // Intermediate values across runs: the baseline's and the best few results' curves (each read in full).
        var curves = new List<CurveRun>();
        var top = experiments.Where(e => e.HasUsableObjective && e.Kind != ExperimentKind.Repeat)
            .OrderBy(e => facts.Direction == Abstractions.Specs.Direction.Minimize ? e.Objective!.Value : -e.Objective!.Value).ThenBy(e => e.Sequence)
            .Take(MaxCurves - 1).ToList();
        if (facts.Baseline is { } bl && experiments.FirstOrDefault(e => e.Id == bl.ExperimentId) is { } baselineRun && !top.Contains(baselineRun))
            top.Insert(0, baselineRun);
        foreach (var e in top)
            if (await ledger.GetExperimentAsync(e.Id, cancellationToken) is { Metrics.Count: > 0 } full)
                curves.Add(new CurveRun(full.Sequence, full.AgentId, full.Objective, full.Metrics));
        return new AnalysisView(
            campaign.Id, campaign.Name, spec.Metric.Name, Direction(spec.Metric.Direction), usable.Count,
            spec.Parameters.Select(p => new ParameterAxis(p.Name, Type(p.Type), p.Log, p.Min, p.Max, p.Choices, p.DefaultValue())).ToList(),
            points, importance, facts.Best?.Sequence, facts.Best?.Value, facts.Baseline?.Sequence, facts.Baseline?.Mean,
            facts.Best is { } best ? experiments.FirstOrDefault(e => e.Id == best.ExperimentId)?.Parameters : null,
            Tonight(spec.Parameters, importance, facts.Best is { } b ? experiments.FirstOrDefault(e => e.Id == b.ExperimentId) : null),
            curves,
            Contours(spec.Parameters, importance, usable, facts.Direction));
    }

    /// <summary>
    /// The contour surfaces of each pair of the most important numeric parameters (up to <see cref="MaxContourParameters"/>),
    /// the two most important first; computed once per analysis (bounded: each samples at most
    /// <see cref="ParameterContour.MaxSamples"/> results on a fixed grid).
    /// </summary>
    private static IReadOnlyList<ContourSurface> Contours(IReadOnlyList<ParameterSpec> parameters, ImportanceReport importance,
        IReadOnlyList<ExperimentRecord> usable, Direction direction)
    {
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var numeric = importance.Parameters.Select(r => byName.GetValueOrDefault(r.Name)).OfType<ParameterSpec>()
            .Concat(parameters).Distinct().Where(p => p.Type != ParameterType.Choice).Take(MaxContourParameters).ToList();
        var results = usable.Select(e => (ParameterSet.Of(numeric.Select(p => KeyValuePair.Create(p.Name, e.Parameters.ValueOrDefault(p)))), e.Objective!.Value)).ToList();
        var surfaces = new List<ContourSurface>();
        for (var i = 0; i < numeric.Count; i++)
            for (var j = i + 1; j < numeric.Count; j++)
                if (ParameterContour.Compute(numeric[i], numeric[j], results, direction) is { } surface)
                    surfaces.Add(surface);
        return surfaces;
    }

    /// <summary>
    /// Experiments <paramref name="sequences"/> side by side (2 to <see cref="MaxCompared"/>); problems name what is wrong
    /// with the selection; null when there is no such campaign.
    /// </summary>
    public async Task<OperationOutcome<CompareView>> CompareAsync(string id, IReadOnlyList<int> sequences, CancellationToken cancellationToken)
    {
        if (await ledger.GetCampaignAsync(id, cancellationToken) is not { } campaign) return OperationOutcome<CompareView>.Missing();
        var chosen = sequences.Distinct().ToList();
        if (chosen.Count is < 2 or > MaxCompared)
            return OperationOutcome<CompareView>.Invalid("s", $"choose 2 to {MaxCompared} experiments to compare ({chosen.Count} chosen)");
        var runs = new List<ExperimentRecord>();
        foreach (var sequence in chosen)
        {
            if (await ledger.GetExperimentBySequenceAsync(id, sequence, cancellationToken) is not { } e)
                return OperationOutcome<CompareView>.Invalid("s", $"campaign '{id}' has no experiment #{sequence}");
            runs.Add(e);
        }

        var benchmark = campaign.Spec.Benchmark;
        var names = benchmark.RunParameters().Select(p => p.Name)
            .Concat(runs.SelectMany(r => r.Parameters.Keys).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();
        var parameters = names.Select(name =>
        {
            var values = runs.Select(r => r.Parameters.Get(name)?.Text).ToList();
            return new CompareParameter(name, values, values.Distinct(StringComparer.Ordinal).Count() > 1);
        }).ToList();

        // Code: each run's own diff (against the benchmark's files) and, where runs edited files, the diff from the first to each other.
        var diffs = new List<CompareDiff>();
        var first = runs[0];
        foreach (var other in runs.Skip(1))
        {
            if (first.EditedFiles.Count == 0 && other.EditedFiles.Count == 0) continue;
            var paths = first.EditedFiles.Keys.Union(other.EditedFiles.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var text = new System.Text.StringBuilder();
            var missing = new List<string>();
            foreach (var path in paths)
            {
                var before = first.EditedFiles.TryGetValue(path, out var b) ? b : Original(benchmark, path);
                var after = other.EditedFiles.TryGetValue(path, out var a) ? a : Original(benchmark, path);
                if (before is null || after is null)
                {
                    missing.Add(path);
                    continue;
                }
                text.Append(UnifiedDiff.Create(path, before, after));
            }
            diffs.Add(new CompareDiff(first.Sequence, other.Sequence, text.ToString(), missing));
        }

        var view = new CompareView(
            id, benchmark.Metric.Name, Direction(benchmark.Metric.Direction),
            runs.Select(r => new CompareRun(r.Sequence, r.Id, r.AgentId, Kind(r), r.Status.ToString(), r.Verdict.ToString(), r.Objective,
                r.Hypothesis, r.Status is ExperimentStatus.Failed or ExperimentStatus.Pruned ? r.Reason : null, r.StartedAt is { } s && r.EndedAt is { } en ? (en - s).TotalSeconds : null,
                r.Seed, r.Diff, r.EditedFiles.Keys.Order(StringComparer.Ordinal).ToList(), r.Metrics)).ToList(),
            parameters, diffs);
        return new OperationOutcome<CompareView>(view);
    }

    /// <summary>
    /// The night starting on <paramref name="night"/> (null: last night) in the server's time zone: from noon that day to noon
    /// the next, every campaign started in it.
    /// </summary>
    public async Task<NightView> NightAsync(DateOnly? night, CancellationToken cancellationToken)
    {
        var zone = clock.LocalTimeZone;
        var day = night ?? LastNight(clock.GetUtcNow(), zone);
        var (from, to) = Window(day, zone);
        var rows = new List<NightCampaign>();
        foreach (var campaign in (await ledger.ListCampaignsAsync(cancellationToken))
                     .Where(c => (c.StartedAt ?? c.CreatedAt) is var at && at >= from && at < to)
                     .OrderBy(c => c.StartedAt ?? c.CreatedAt))
        {
            var settled = await SettledCampaignKey.OfAsync(ledger, campaign, cancellationToken);
            // A running campaign's row is kept while its ledger key holds; only its time burnt so far is worked out again.
            var key = settled ?? "live|" + await ConsoleCampaigns.LedgerKeyAsync(ledger, campaign, cancellationToken);
            var list = await reports.ListAsync(campaign.Id, cancellationToken);
            NightCampaign row;
            if (_nightRows.TryGetValue(campaign.Id, out var kept) && kept.Key == key) row = kept.Row;
            else
            {
                row = await NightRowAsync(campaign, cancellationToken);
                _nightRows[campaign.Id] = (key, row);
                foreach (var other in _nightRows.Keys.Where(k => k != campaign.Id).Skip(NightCacheSize - 1).ToList()) _nightRows.TryRemove(other, out _);
            }
            if (settled is null)
                row = row with { Budget = row.Budget with { Minutes = Math.Max(0, ((campaign.EndedAt ?? clock.GetUtcNow()) - (campaign.StartedAt ?? campaign.CreatedAt)).TotalMinutes) } };
            var escaped = Uri.EscapeDataString(campaign.Id);
            rows.Add(row with
            {
                LatestReportHtml = list.Count > 0 ? $"/api/campaigns/{escaped}/reports/latest/html" : null,
                LatestReportMarkdown = list.Count > 0 ? $"/api/campaigns/{escaped}/reports/latest/md" : null,
                Reports = list.Count,
            });
        }
        return new NightView(day, from, to, zone.Id, rows);
    }

    /// <summary>The night before the one in progress: the day before today's date in <paramref name="zone"/>.</summary>
    public static DateOnly LastNight(DateTimeOffset now, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime).AddDays(-1);

    /// <summary>The night of <paramref name="day"/>: noon that day to noon the next, in <paramref name="zone"/>.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(DateOnly day, TimeZoneInfo zone)
    {
        DateTimeOffset Noon(DateOnly d)
        {
            var local = d.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Unspecified);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        return (Noon(day), Noon(day.AddDays(1)));
    }

    private async Task<NightCampaign> NightRowAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var (experiments, facts) = await FactsAsync(campaign, cancellationToken);
        var metric = campaign.Spec.Benchmark.Metric;
        var holdout = HoldoutSummaries.From(experiments, metric);
        var bestHoldout = holdout.For(facts.Best?.ExperimentId);
        var importance = ParameterImportance.Compute(campaign.Spec.Benchmark.Parameters, experiments, facts.Direction, facts.Best, facts.Noise);
        // The campaign's use as status shows it (every finished run and the report's advice), from the projection.
        var used = facts.Used;
        var failures = experiments.Where(e => !e.IsHoldout && e.Status == ExperimentStatus.Failed)
            .GroupBy(e => e.Failure.ToString()).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var start = campaign.StartedAt ?? campaign.CreatedAt;
        var end = campaign.EndedAt ?? clock.GetUtcNow();
        var allowed = campaign.Deadline is { } deadline ? (deadline - start).TotalMinutes : campaign.Spec.Duration.TotalMinutes;
        var escaped = Uri.EscapeDataString(campaign.Id);
        double? improvement = facts.Best is { } best && facts.Baseline is { } baseline && best.ExperimentId != baseline.ExperimentId
            ? (metric.Direction == Abstractions.Specs.Direction.Minimize ? baseline.Mean - best.Value : best.Value - baseline.Mean)
            : null;
        return new NightCampaign(
            campaign.Id, campaign.Name, campaign.State.ToString(), campaign.Spec.Benchmark.Name, metric.Name, Direction(metric.Direction),
            start, campaign.EndedAt, campaign.Deadline,
            facts.Baseline?.Mean, facts.Baseline?.Sequence, facts.Best?.Value, facts.Best?.Sequence, improvement,
            improvement is { } gain && facts.Baseline is { } bl && Math.Abs(bl.Mean) > 1e-12 ? gain / Math.Abs(bl.Mean) : null,
            bestHoldout is null ? (holdout.IsEmpty ? "not_revalidated" : "best_not_revalidated") : CampaignSummaryHoldout.VerdictName(bestHoldout.Verdict),
            bestHoldout?.HeldOut, holdout.Baseline?.HeldOut, holdout.FinalAnswer?.Sequence,
            facts.Finished, campaign.Spec.MaxExperiments, facts.Succeeded, facts.Failed, facts.Pruned, failures,
            new BudgetBurn(used.Tokens, facts.Budget.Tokens, used.CpuSeconds, facts.Budget.CpuSeconds, used.GpuSeconds, facts.Budget.GpuSeconds,
                Math.Max(0, (end - start).TotalMinutes), allowed > 0 ? allowed : null),
            importance.Parameters.Where(p => p.Mattered).Select(p => p.Name).ToList(),
            $"/campaigns/{escaped}/reports", null, null, 0);
    }

    /// <summary>The campaign's experiments (with their parameters, without logs) and its facts from the one projection.</summary>
    private async Task<(IReadOnlyList<ExperimentRecord> Experiments, CampaignFacts Facts)> FactsAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsWithoutLogsAsync(campaign.Id, cancellationToken);
        var leaderboard = await ledger.GetLeaderboardAsync(campaign.Id, cancellationToken);
        var calls = await ledger.GetModelCallsAsync(campaign.Id, cancellationToken);
        var controls = await ledger.GetControlsAsync(campaign.Id, cancellationToken);
        var facts = CampaignFacts.Build(campaign.Id, campaign.Spec, campaign.State, experiments, leaderboard, calls, controls, campaign.Spec.Slots);
        return (experiments, facts);
    }

    /// <summary>
    /// What to try tonight, from what mattered: keep searching the parameters that mattered (around the best), pin the ones
    /// that did not at the best's values (campaign file <c>parameters:</c>), so tonight's budget goes where it counts.
    /// </summary>
    private static TonightAdvice? Tonight(IReadOnlyList<ParameterSpec> parameters, ImportanceReport importance, ExperimentRecord? best)
    {
        if (best is null || importance.Samples < ParameterImportance.MinSamples) return null;
        var mattered = importance.Parameters.Where(p => p.Mattered || p.Ablation?.Mattered == true).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var keep = parameters.Where(p => mattered.Contains(p.Name)).Select(p => p.Name).ToList();
        var pin = parameters.Where(p => !mattered.Contains(p.Name))
            .ToDictionary(p => p.Name, p => best.Parameters.ValueOrDefault(p).Text, StringComparer.Ordinal);
        return new TonightAdvice(best.Sequence, keep, pin);
    }

    /// <summary>A file of the benchmark as it ships (the side of a comparison that did not edit it); null when it cannot be read.</summary>
    private static string? Original(BenchmarkSpec benchmark, string path)
    {
        try
        {
            var root = Path.GetFullPath(benchmark.Directory);
            var full = Path.GetFullPath(Path.Combine(root, path));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full)) return null;
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static string Kind(ExperimentRecord e) => e.Kind.ToString();

    private static string Direction(Direction direction) => direction.ToString().ToLowerInvariant();

    private static string Type(ParameterType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses the comparison's <c>s</c> values (experiment numbers).</summary>
    public static (IReadOnlyList<int> Sequences, string? Problem) ParseSequences(IEnumerable<string?> values)
    {
        var sequences = new List<int>();
        foreach (var value in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(value.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return ([], $"'{value}' is not an experiment number");
            sequences.Add(n);
        }
        return (sequences, null);
    }
}

/// <summary>A campaign's analysis: which parameters mattered, and the usable results the plots draw (all of <see cref="Results"/> up to <see cref="ConsoleAnalysis.MaxPoints"/>).</summary>
public sealed record AnalysisView(
    string CampaignId,
    string Name,
    string Metric,
    string Direction,
    int Results,
    IReadOnlyList<ParameterAxis> Parameters,
    IReadOnlyList<AnalysisPoint> Points,
    ImportanceReport Importance,
    int? BestSequence,
    double? Best,
    int? BaselineSequence,
    double? Baseline,
    ParameterSet? BestParameters,
    TonightAdvice? Tonight,
    IReadOnlyList<CurveRun> Curves,
    IReadOnlyList<ContourSurface> Contours);

/// <summary>One run's intermediate values (its metric points), for the curves across runs.</summary>
public sealed record CurveRun(int Sequence, string Agent, double? Objective, IReadOnlyList<MetricPoint> Metrics);

/// <summary>A searched parameter as the plots draw it (type <c>float</c>, <c>int</c> or <c>choice</c>).</summary>
public sealed record ParameterAxis(string Name, string Type, bool Log, double? Min, double? Max, IReadOnlyList<string> Choices, ParameterValue Default);

/// <summary>One usable result: its number, agent, kind, objective and parameters.</summary>
public sealed record AnalysisPoint(int Sequence, string Agent, string Kind, double Objective, ParameterSet Parameters);

/// <summary>What to try tonight: search the parameters that mattered, pin the rest at the best's values.</summary>
public sealed record TonightAdvice(int FromSequence, IReadOnlyList<string> Search, IReadOnlyDictionary<string, string> Pin);

/// <summary>Experiments side by side.</summary>
public sealed record CompareView(
    string CampaignId,
    string Metric,
    string Direction,
    IReadOnlyList<CompareRun> Runs,
    IReadOnlyList<CompareParameter> Parameters,
    IReadOnlyList<CompareDiff> Diffs);

public sealed record CompareRun(
    int Sequence,
    string Id,
    string Agent,
    string Kind,
    string Status,
    string Verdict,
    double? Objective,
    string Hypothesis,
    string? Reason,
    double? Seconds,
    int Seed,
    string? Diff,
    IReadOnlyList<string> EditedFiles,
    IReadOnlyList<MetricPoint> Metrics);

/// <summary>One parameter's value in each compared run (null: not set), and whether they differ.</summary>
public sealed record CompareParameter(string Name, IReadOnlyList<string?> Values, bool Differs);

/// <summary>The code from the first compared run to another (unified diff; empty when the same); files neither side's text could be read for.</summary>
public sealed record CompareDiff(int FromSequence, int ToSequence, string Text, IReadOnlyList<string> Unreadable);

/// <summary>Every campaign started in one night.</summary>
public sealed record NightView(DateOnly Night, DateTimeOffset From, DateTimeOffset To, string TimeZone, IReadOnlyList<NightCampaign> Campaigns);

/// <summary>One campaign of the night: best against baseline, whether the best held up on held-out, failures, budget burn, reports.</summary>
public sealed record NightCampaign(
    string Id,
    string Name,
    string State,
    string Benchmark,
    string Metric,
    string Direction,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? Deadline,
    double? Baseline,
    int? BaselineSequence,
    double? Best,
    int? BestSequence,
    double? Improvement,
    double? RelativeImprovement,
    string HeldOut,
    double? BestHeldOut,
    double? BaselineHeldOut,
    int? FinalAnswerSequence,
    int Finished,
    int MaxExperiments,
    int Succeeded,
    int Failed,
    int Pruned,
    IReadOnlyDictionary<string, int> Failures,
    BudgetBurn Budget,
    IReadOnlyList<string> Mattered,
    string ReportsPage,
    string? LatestReportHtml,
    string? LatestReportMarkdown,
    int Reports);

/// <summary>What a campaign used against its budget in force (0: no limit) and its time against its deadline.</summary>
public sealed record BudgetBurn(
    long Tokens,
    long TokenBudget,
    double CpuSeconds,
    double CpuBudgetSeconds,
    double GpuSeconds,
    double GpuBudgetSeconds,
    double Minutes,
    double? AllowedMinutes);
