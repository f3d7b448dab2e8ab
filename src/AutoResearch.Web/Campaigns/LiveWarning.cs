using System.Globalization;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// Something on the live page that needs a person's eye now, with its kind (what the page and scripts decide by) and the text
/// shown. <c>baseline-timeouts</c>: every finished baseline run hit the benchmark's time limit, so there is nothing to compare
/// with; <c>timeouts</c>: the latest runs all did (a busy machine or a limit too tight for the parameters tried).
/// </summary>
public sealed record LiveWarning(string Kind, string Text)
{
    /// <summary>How many latest runs in a row hitting the time limit earn a warning.</summary>
    public const int TimeoutStreak = 4;

    public static IReadOnlyList<LiveWarning> From(IReadOnlyList<ExperimentRecord> experiments, TimeSpan timeLimit)
    {
        var warnings = new List<LiveWarning>();
        var limit = Limit(timeLimit);
        var baseline = experiments.FirstOrDefault(e => e.Kind == ExperimentKind.Baseline);
        var baselineRuns = baseline is null
            ? []
            : experiments.Where(e => e.IsFinished && (e.Id == baseline.Id || (e.Kind == ExperimentKind.Repeat && e.RepeatOf == baseline.Id))).ToList();
        if (baselineRuns.Count > 0 && baselineRuns.All(e => e.Failure == FailureKind.Timeout))
        {
            warnings.Add(new LiveWarning("baseline-timeouts",
                (baselineRuns.Count == 1 ? "The baseline run" : $"Every baseline run so far ({baselineRuns.Count})") +
                $" hit the benchmark's time limit of {limit}, so there is no baseline to compare with. The machine may be too busy " +
                "(other campaigns, slots) or the limit too tight for it: pause, free the machine or lower the slots, or raise time_limit in the benchmark."));
            return warnings;
        }
        var latest = experiments.Where(e => e.IsFinished && e.Kind != ExperimentKind.Holdout).OrderByDescending(e => e.EndedAt).Take(TimeoutStreak).ToList();
        if (latest.Count == TimeoutStreak && latest.All(e => e.Failure == FailureKind.Timeout))
        {
            warnings.Add(new LiveWarning("timeouts",
                $"The last {TimeoutStreak} runs all hit the benchmark's time limit of {limit}: the machine may be too busy, or the parameters tried make runs too slow."));
        }
        return warnings;
    }

    private static string Limit(TimeSpan limit) => limit.TotalSeconds < 120
        ? $"{limit.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s"
        : $"{limit.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";
}
