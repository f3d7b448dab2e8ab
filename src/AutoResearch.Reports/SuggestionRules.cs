using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>
/// Rule-based suggestions for the next night, each with the evidence from this campaign: parameters of the best at an edge of
/// their range, regions of the search space never tried, agents that never improved the best, a dominant failure cause, a
/// campaign still improving when it ended, budgets spent, no result beating the noise, a target already reached.
/// </summary>
public static class SuggestionRules
{
    /// <summary>A value within this share of a range's width (log width for log parameters) from an end is "at the edge".</summary>
    public const double EdgeShare = 0.05;

    /// <summary>Each numeric range is cut into this many equal parts (log parts for log parameters) to find unexplored ones.</summary>
    public const int Regions = 5;

    /// <summary>Proposals needed before unexplored regions or idle agents are worth a remark.</summary>
    public const int MinimumProposals = 5;

    public static IReadOnlyList<Suggestion> For(CampaignReportModel model, IReadOnlyList<ExperimentRecord> experiments)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(experiments);
        var result = new List<Suggestion>();
        var proposals = experiments.Where(e => e.Kind == ExperimentKind.Proposal && !e.IsBaselineRun && e.IsFinished && e.Status != ExperimentStatus.Failed).ToList();
        var best = model.Best is { } b ? experiments.FirstOrDefault(e => e.Id == b.Id) : null;

        if (model.Target is { } target && model.BestObjective is { } reached
            && (reached == target || (model.Direction == Direction.Minimize ? reached < target : reached > target)))
        {
            result.Add(new Suggestion(
                $"Set a more ambitious target than {Number(target)}.",
                $"The best {Number(reached)} reached it, so the campaign stopped there."));
        }

        if (best is not null && best.Kind != ExperimentKind.Baseline)
        {
            foreach (var p in model.Parameters)
            {
                if (Position(p, best.Parameters.Get(p.Name)) is not { } t || p.Min is not { } min || p.Max is not { } max) continue;
                if (t <= EdgeShare || t >= 1 - EdgeShare)
                {
                    var upper = t >= 1 - EdgeShare;
                    var bound = upper ? max : min;
                    var where = $"The best (#{best.Sequence}) uses {p.Name}={best.Parameters[p.Name]}, at the {(upper ? "upper" : "lower")} edge of [{Number(min, p)}, {Number(max, p)}]";
                    if (IsHardBound(p, upper))
                    {
                        // A range cannot be widened past a natural limit (0 for a rate, 1 for a fraction): pinning it frees the search for the rest.
                        result.Add(new Suggestion(
                            $"Fix {p.Name} at {Number(bound, p)} (campaign file: parameters: {{ {p.Name}: {Number(bound, p)} }}) and search the other parameters.",
                            $"{where}, which is a natural limit of {p.Name} ({(upper ? "a fraction cannot exceed 1" : p.Type == ParameterType.Int ? "a count cannot go lower" : "it cannot go below 0")})."));
                    }
                    else
                    {
                        result.Add(new Suggestion(
                            $"Widen the range of {p.Name} {(upper ? "above " + Number(max, p) : "below " + Number(min, p))}.",
                            $"{where}: the optimum may lie outside."));
                    }
                }
            }
        }

        if (proposals.Count >= MinimumProposals)
        {
            foreach (var p in model.Parameters)
            {
                if (p.Type is ParameterType.Int or ParameterType.Float && p.Min is { } min && p.Max is { } max && max > min)
                {
                    var regions = RegionsOf(p);
                    var hits = new int[regions.Count];
                    foreach (var e in proposals)
                    {
                        if (e.Parameters.Get(p.Name) is not { IsNumber: true } value) continue;
                        var v = value.AsNumber;
                        var index = p.Type == ParameterType.Int
                            ? regions.FindIndex(r => Math.Round(v) >= r.Low && Math.Round(v) <= r.High)
                            : Position(p, e.Parameters[p.Name]) is { } t ? Math.Min(regions.Count - 1, (int)Math.Floor(t * regions.Count)) : -1;
                        if (index >= 0) hits[index]++;
                    }

                    var empty = Enumerable.Range(0, regions.Count).Where(i => hits[i] == 0).ToList();
                    if (empty.Count > 0 && empty.Count < regions.Count)
                    {
                        var single = p.Type == ParameterType.Int && regions.All(r => r.Low == r.High);
                        var ranges = single
                            ? string.Join(" or ", empty.Select(i => Number(regions[i].Low, p)))
                            : string.Join(", ", empty.Select(i => regions[i].Low == regions[i].High ? Number(regions[i].Low, p) : $"[{Number(regions[i].Low, p)}, {Number(regions[i].High, p)}]"));
                        var how = single ? "values" : p.Type == ParameterType.Int ? $"integer {(p.Log ? "log-spaced" : "equal")} parts" : $"{(p.Log ? "log-spaced" : "equal")} fifths";
                        result.Add(new Suggestion(
                            single ? $"Try {p.Name} = {ranges}." : $"Explore {p.Name} in {ranges}.",
                            $"None of the {proposals.Count} finished proposals tried {p.Name} there ({how} of its range)."));
                    }
                }
                else if (p.Type == ParameterType.Choice && p.Choices.Count > 0)
                {
                    var tried = proposals.Select(e => e.Parameters.ValueOrDefault(p).Text).ToHashSet(StringComparer.Ordinal);
                    var never = p.Choices.Where(c => !tried.Contains(c)).ToList();
                    if (never.Count > 0 && never.Count < p.Choices.Count)
                    {
                        result.Add(new Suggestion(
                            $"Try {p.Name} = {string.Join(" or ", never)}.",
                            $"No finished proposal used {(never.Count == 1 ? "this choice" : "these choices")} of {p.Name}."));
                    }
                }
            }
        }

        var improvers = model.Agents.Where(a => a.Narrative.AcceptedBests > 0 || a.NewBests > 0).Select(a => a.Id).ToList();
        foreach (var a in model.Agents)
        {
            if (a.Narrative.Proposals >= MinimumProposals && a.Narrative.AcceptedBests == 0 && a.NewBests == 0)
            {
                var instead = improvers.Count > 0 ? $" or give its budget to {string.Join(", ", improvers)}" : "";
                result.Add(new Suggestion(
                    $"Change {a.Id}'s role or settings{instead}.",
                    $"{a.Id} ({a.Role}, {a.Proposer}) ran {a.Narrative.Proposals} proposals and none improved the best."));
            }
        }

        var finished = experiments.Count(e => e.IsFinished);
        foreach (var g in model.FailuresByKind)
        {
            if (g.Count < 2 || g.Count < finished * 0.2) continue;
            var share = ReportFormat.Share((double)g.Count / Math.Max(1, finished));
            var text = g.Kind switch
            {
                FailureKind.Timeout => "Raise the benchmark's time limit, or narrow the parameters that make runs slow.",
                FailureKind.OutOfMemory => "Raise the sandbox memory limit, or narrow the parameters that need the most memory.",
                FailureKind.NoMetric => "Check that the harness prints its METRIC line on every path (see the example's log).",
                FailureKind.Rejected => "Tighten the task description (program.md) and editable files: many proposals were rejected before running.",
                FailureKind.Crash => "Fix the crash in the example before the next night; it may hide good configurations.",
                _ => $"Look into the {ReportFormat.FailureKindName(g.Kind)} failures.",
            };
            result.Add(new Suggestion(text, $"{g.Count} of {finished} finished experiments ({share}) failed with {ReportFormat.FailureKindName(g.Kind)}, e.g. {g.ExampleExperimentId}."));
        }

        if (model.BestSoFar.Count >= 2)
        {
            var end = model.Experiments.Where(r => r.ElapsedMinutes is not null).Select(r => r.ElapsedMinutes!.Value).DefaultIfEmpty(0).Max();
            var last = model.BestSoFar[^1].ElapsedMinutes;
            if (end > 0 && last >= end * 0.8)
            {
                result.Add(new Suggestion(
                    "Run longer, or with more budget: the campaign was still improving when it ended.",
                    $"The last new best came at minute {ReportFormat.Minutes(last)} of {ReportFormat.Minutes(end)}."));
            }
        }

        foreach (var a in model.Agents.Where(a => !a.WithinBudget || Spent(a)))
        {
            result.Add(new Suggestion(
                $"Give {a.Id} a larger budget if its experiments are worth more.",
                $"{a.Id} used {ReportNarrative.TokensOfBudget(a.Tokens, a.TokenBudget)} tokens, {ReportNarrative.UsedOfBudget(a.CpuSeconds, a.CpuBudgetSeconds)} CPU s, {ReportNarrative.UsedOfBudget(a.GpuSeconds, a.GpuBudgetSeconds)} GPU s."));
        }

        if (model.AcceptedBest is { Index: 0 } && model.Succeeded > model.BaselineRuns)
        {
            result.Add(new Suggestion(
                "Search wider, or run more repeats per candidate: nothing beat the baseline by more than the noise.",
                model.NoiseStdDev is { } sigma ? $"Run-to-run noise σ {Number(sigma)} from {model.NoiseRuns} runs." : "The noise was not measured."));
        }

        return result;
    }

    /// <summary>Where <paramref name="value"/> lies in <paramref name="p"/>'s range, 0 to 1 (log scale for log parameters); null when not numeric.</summary>
    internal static double? Position(ParameterSpec p, ParameterValue? value)
    {
        if (p.Type is not (ParameterType.Int or ParameterType.Float) || p.Min is not { } min || p.Max is not { } max || max <= min) return null;
        if (value is not { IsNumber: true }) return null;
        var v = value.AsNumber;
        var t = p.Log && min > 0 && v > 0 ? (Math.Log(v) - Math.Log(min)) / (Math.Log(max) - Math.Log(min)) : (v - min) / (max - min);
        return Math.Clamp(t, 0, 1);
    }

    /// <summary>
    /// A bound the range cannot be widened past: 0 as the lower bound of a non-log parameter (a rate, a probability, a
    /// weight cannot be negative), 0 or 1 as the lower bound of an integer (a count), 1 as the upper bound of a [0, 1] fraction.
    /// </summary>
    internal static bool IsHardBound(ParameterSpec p, bool upper)
    {
        if (p.Min is not { } min || p.Max is not { } max) return false;
        if (upper) return !p.Log && min >= 0 && max == 1 && p.Type == ParameterType.Float;
        return (!p.Log && min == 0) || (p.Type == ParameterType.Int && min is 0 or 1);
    }

    /// <summary>
    /// The parts of a numeric range that "unexplored" is judged on, as closed intervals of values the parameter can take:
    /// <see cref="Regions"/> equal parts (log parts for log parameters); for an integer, parts with integer ends that do not
    /// overlap, dropping parts that hold no integer, and one part per value when the range holds at most 2 × Regions integers.
    /// </summary>
    internal static List<(double Low, double High)> RegionsOf(ParameterSpec p)
    {
        var regions = new List<(double Low, double High)>();
        if (p.Min is not { } min || p.Max is not { } max || max <= min) return regions;
        if (p.Type != ParameterType.Int)
        {
            for (var i = 0; i < Regions; i++) regions.Add((At(p, (double)i / Regions), At(p, (double)(i + 1) / Regions)));
            return regions;
        }

        var lo = (long)Math.Ceiling(min);
        var hi = (long)Math.Floor(max);
        if (hi - lo + 1 <= 2 * Regions)
        {
            for (var v = lo; v <= hi; v++) regions.Add((v, v));
            return regions;
        }

        var next = lo;
        for (var i = 0; i < Regions; i++)
        {
            var end = i == Regions - 1 ? hi : (long)Math.Ceiling(At(p, (double)(i + 1) / Regions)) - 1;
            end = Math.Min(end, hi);
            if (end >= next)
            {
                regions.Add((next, end));
                next = end + 1;
            }
        }
        return regions;
    }

    private static double At(ParameterSpec p, double t) =>
        p.Log && p.Min > 0 ? Math.Exp(Math.Log(p.Min!.Value) + t * (Math.Log(p.Max!.Value) - Math.Log(p.Min!.Value))) : p.Min!.Value + t * (p.Max!.Value - p.Min!.Value);

    private static bool Spent(AgentReportRow a) =>
        (a.TokenBudget > 0 && a.Tokens >= 0.95 * a.TokenBudget)
        || (a.CpuBudgetSeconds > 0 && a.CpuSeconds >= 0.95 * a.CpuBudgetSeconds)
        || (a.GpuBudgetSeconds > 0 && a.GpuSeconds >= 0.95 * a.GpuBudgetSeconds);

    private static string Number(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>A value of <paramref name="p"/>: integers in full (no 2.2 for an integer, no 1.2E+03 for 1234), others to 4 digits.</summary>
    private static string Number(double v, ParameterSpec p) =>
        p.Type == ParameterType.Int ? Math.Round(v).ToString("0", CultureInfo.InvariantCulture) : Number(v);
}
