using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains;

/// <summary>Rule-based reflection for built-in proposers: what was tried, the result against the best, what it concludes.</summary>
public static class ReflectionWriter
{
    public static (JournalEntryKind Kind, string Text) Reflect(
        BenchmarkSpec benchmark, ExperimentRecord experiment, ExperimentRecord? bestBefore)
    {
        var metric = benchmark.Metric;
        var tried = experiment.IsBaseline ? "the baseline (all defaults)" : DescribeChange(benchmark, experiment.Parameters, bestBefore?.Parameters, experiment.Diff);

        if (experiment.Failure == FailureKind.Rejected)
        {
            // Never ran: the reason holds the rejected proposal and why; nothing was learned about the settings themselves.
            return (JournalEntryKind.DeadEnd,
                $"Proposal rejected before running: {Flatten(experiment.Reason) ?? "no reason recorded"}. Nothing ran; this says nothing about the settings.");
        }

        if (experiment.Failure is FailureKind.StoppedByPerson or FailureKind.RejectedByPerson)
        {
            // A person's decision, not the settings' result: nothing is concluded about them.
            return (JournalEntryKind.System,
                $"Tried {tried}. {Flatten(experiment.Reason) ?? "Stopped by a person"}. Nothing is concluded about this setting; the agent goes on with its next proposal.");
        }

        if (experiment.Status == ExperimentStatus.Pruned)
        {
            var last = experiment.Objective is { } partial ? $" (last {metric.Name}={Format(partial)})" : "";
            return (JournalEntryKind.DeadEnd,
                $"Tried {tried}. Stopped early{last}: {FirstLine(experiment.Reason) ?? "the early-stopping rule fired"}. Conclusion: this setting trails earlier runs at the same point of training.");
        }

        if (experiment.Kind == ExperimentKind.Repeat && experiment.HasUsableObjective)
        {
            return (JournalEntryKind.Result,
                $"Re-ran {(experiment.RepeatOf is { } of ? $"experiment {of}" : "an earlier experiment")} with seed {experiment.Seed}: {metric.Name}={Format(experiment.Objective!.Value)}. " +
                "Repeats measure run-to-run noise and confirm improvements before they count.");
        }

        if (experiment.IsHoldout)
        {
            var of = experiment.RepeatOf is { } id ? $"experiment {id}" : "an earlier experiment";
            return experiment.HasHeldOutObjective
                ? (JournalEntryKind.Result,
                    $"Re-ran {of} on the held-out evaluation with seed {experiment.Seed}: held-out {metric.Name}={Format(experiment.Objective!.Value)}. " +
                    "Held-out runs check that a kept result holds up on data it was not selected on; they never count for the best.")
                : (JournalEntryKind.DeadEnd,
                    $"Re-ran {of} on the held-out evaluation with seed {experiment.Seed}: failed ({Describe(experiment.Failure)}): {FirstLine(experiment.Reason) ?? "no reason recorded"}.");
        }

        if (experiment.Status != ExperimentStatus.Succeeded || experiment.Objective is not { } value)
        {
            var reason = FirstLine(experiment.Reason) ?? "no reason recorded";
            return (JournalEntryKind.DeadEnd,
                $"Tried {tried}. Failed ({Describe(experiment.Failure)}): {reason}. Conclusion: avoid this setting; it does not run within the sandbox limits.");
        }

        var shown = Format(value);
        if (experiment.IsBaseline)
            return (JournalEntryKind.Reflection, $"Ran {tried}: {metric.Name}={shown}. This is the reference every later experiment is measured against.");

        if (bestBefore?.Objective is not { } best)
            return (JournalEntryKind.Reflection, $"Tried {tried}: {metric.Name}={shown}. First successful result; it becomes the best so far.");

        var change = RelativeChange(value, best);
        if (metric.IsBetter(value, best))
        {
            return (JournalEntryKind.Insight,
                $"Tried {tried}: {metric.Name}={shown}, better than the best so far {Format(best)} by {change:P1}. Conclusion: keep this direction; the next proposals should refine around it.");
        }

        var verdict = change < 0.02
            ? "close to the best; the difference may be noise"
            : "clearly worse; this change does not help";
        return (JournalEntryKind.Reflection,
            $"Tried {tried}: {metric.Name}={shown} against the best {Format(best)} ({change:P1} worse). Conclusion: {verdict}.");
    }

    /// <summary>Distance between <paramref name="value"/> and <paramref name="best"/> as a fraction of the best.</summary>
    private static double RelativeChange(double value, double best)
    {
        var denom = Math.Abs(best) > 1e-12 ? Math.Abs(best) : 1;
        var diff = Math.Abs(value - best) / denom;
        return diff;
    }

    private static string DescribeChange(BenchmarkSpec benchmark, ParameterSet parameters, ParameterSet? reference, string? diff)
    {
        var code = DiffSummary(diff);
        if (reference is null)
            return string.Join(", ", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Short(p.Value)}")) + (code is null ? "" : $", with {code}");
        var changes = new List<string>();
        foreach (var spec in benchmark.Parameters)
        {
            if (!parameters.TryGetValue(spec.Name, out var now)) continue;
            if (!reference.TryGetValue(spec.Name, out var before) || before == now) continue;
            if (spec.Type != ParameterType.Choice && before.IsNumber && now.IsNumber && Math.Abs(before.AsNumber) > 1e-300)
            {
                var (b, n) = (before.AsNumber, now.AsNumber);
                changes.Add($"{spec.Name} {Short(before)}→{Short(now)} (×{(n / b).ToString("G3", CultureInfo.InvariantCulture)})");
            }
            else
            {
                changes.Add($"{spec.Name} {before}→{now}");
            }
        }
        if (changes.Count == 0)
            return code ?? "the best settings again";
        return "against the best: " + string.Join(", ", changes) + (code is null ? "" : $", with {code}");
    }

    /// <summary>"a code change to train.py (+3 −2 lines)" from a unified diff; null when there is none.</summary>
    internal static string? DiffSummary(string? diff)
    {
        if (string.IsNullOrWhiteSpace(diff))
            return null;
        var files = new List<string>();
        int added = 0, removed = 0;
        foreach (var line in diff.Split('\n'))
        {
            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var path = line[4..].Trim();
                if (path.StartsWith("b/", StringComparison.Ordinal)) path = path[2..];
                if (path != "/dev/null" && !files.Contains(path, StringComparer.Ordinal)) files.Add(path);
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal)) { }
            else if (line.StartsWith('+')) added++;
            else if (line.StartsWith('-')) removed++;
        }
        var where = files.Count == 0 ? "the code" : string.Join(", ", files.Take(3)) + (files.Count > 3 ? $" and {files.Count - 3} more" : "");
        return string.Create(CultureInfo.InvariantCulture, $"a code change to {where} (+{added} −{removed} lines)");
    }

    /// <summary>The reason on one line, at most 600 characters.</summary>
    private static string? Flatten(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var one = string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return one.Length <= 600 ? one : one[..600] + "…";
    }

    /// <summary>Numbers to four significant digits (journal entries are read by people and models, not replayed).</summary>
    private static string Short(ParameterValue value) =>
        value.IsNumber ? value.AsNumber.ToString("G4", CultureInfo.InvariantCulture) : value.Text;

    private static string Describe(FailureKind failure) => failure switch
    {
        FailureKind.Timeout => "timeout",
        FailureKind.OutOfMemory => "out of memory",
        FailureKind.Crash => "crash",
        FailureKind.NoMetric => "no metric",
        FailureKind.Rejected => "rejected proposal",
        FailureKind.SandboxError => "sandbox error",
        FailureKind.NotRun => "not run",
        FailureKind.StoppedByPerson => "stopped by a person",
        FailureKind.RejectedByPerson => "rejected by a person before it ran",
        _ => "failure",
    };

    private static string? FirstLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
