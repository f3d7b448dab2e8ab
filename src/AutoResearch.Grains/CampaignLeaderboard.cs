using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;

namespace AutoResearch.Grains;

/// <summary>
/// The campaign's noise-aware leaderboard: repeat groups (the baseline's runs, confirmation runs), the measured noise, the
/// accepted bests, the results waiting for judgement and the repeats still to launch. Pure bookkeeping: the campaign grain
/// feeds it finished experiments and persists what it decides (verdicts, leaderboard entries). Rebuilt from the ledger.
/// </summary>
public sealed class CampaignLeaderboard
{
    private readonly string _campaignId;
    private readonly MetricSpec _metric;
    private readonly NoiseSpec _noise;
    private readonly List<LeaderboardEntry> _history = [];
    private readonly Dictionary<string, ExperimentRecord> _roots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _repeatsLaunched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _repeatsFinished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _repeatsWanted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _confirming = new(StringComparer.Ordinal);
    private readonly List<ExperimentRecord> _awaiting = [];
    private string? _baselineId;
    private bool _baselineFailed;
    private bool _baselineFinished;

    public CampaignLeaderboard(string campaignId, MetricSpec metric, NoiseSpec noise)
    {
        _campaignId = campaignId;
        _metric = metric;
        _noise = noise;
    }

    public IReadOnlyList<LeaderboardEntry> History => _history;

    public LeaderboardEntry? Best => _history.Count == 0 ? null : _history[^1];

    /// <summary>Current mean of the best's runs (it changes as repeats of it finish).</summary>
    public double? BestMean => Best is { } b && _values.TryGetValue(b.ExperimentId, out var v) && v.Count > 0 ? v.Average() : Best?.Objective;

    public int BestRuns => Best is { } b && _values.TryGetValue(b.ExperimentId, out var v) ? v.Count : 0;

    /// <summary>The baseline's mean over its successful runs (it changes as its noise repeats finish); null before one succeeded.</summary>
    public double? BaselineMean => _baselineId is { } id && _values.TryGetValue(id, out var v) && v.Count > 0 ? v.Average() : null;

    public int BaselineRuns => _baselineId is { } id && _values.TryGetValue(id, out var v) ? v.Count : 0;

    /// <summary>Pooled run-to-run standard deviation; null until some group has two successful runs.</summary>
    public double? NoiseStdDev { get; private set; }

    public int NoiseRuns { get; private set; }

    /// <summary>
    /// True when results may be judged: the baseline has finished and, with noise measurement on, so have its extra runs
    /// (or the baseline failed, and there is nothing to measure against).
    /// </summary>
    public bool NoiseReady =>
        _baselineFailed ||
        (_baselineFinished && (_noise.BaselineRuns <= 1 || _repeatsFinished.GetValueOrDefault(_baselineId!) >= _noise.BaselineRuns - 1));

    /// <summary>The pooled noise estimate; null until some group has two successful runs.</summary>
    public NoiseEstimate? Estimate { get; private set; }

    /// <summary>True when the repeats so far were identical (or numerically indistinguishable): no confidence can be measured.</summary>
    public bool IdenticalRepeats => Estimate is { IdenticalRepeats: true };

    /// <summary>Confidence tests made so far; the campaign-wide confidence is corrected for them.</summary>
    public int Tests { get; private set; }

    /// <summary>The noise measurement and the acceptance rule in force, as the views show it.</summary>
    public NoiseSummary Noise => new()
    {
        StdDev = NoiseStdDev,
        Runs = NoiseRuns,
        DegreesOfFreedom = Estimate?.DegreesOfFreedom ?? 0,
        IdenticalRepeats = IdenticalRepeats,
        MinImprovement = _noise.EffectiveMinImprovement,
        Tests = Tests,
        FromConfirmedCandidates = Estimate?.Source == NoiseSource.ConfirmedCandidates,
    };

    public Leaderboard Snapshot() => new() { History = [.. _history], NoiseStdDev = NoiseStdDev, NoiseRuns = NoiseRuns, Noise = Noise };

    /// <summary>The baseline was granted: queue its extra runs that measure the noise.</summary>
    public void BaselineLaunched(ExperimentRecord baseline)
    {
        _baselineId = baseline.Id;
        _roots[baseline.Id] = baseline;
        _repeatsWanted[baseline.Id] = Math.Max(0, _noise.BaselineRuns - 1);
    }

    /// <summary>The next repeat to launch (baseline runs first, then confirmations), or null. Counts it as launched.</summary>
    public ExperimentRecord? TakeRepeat()
    {
        foreach (var (id, wanted) in _repeatsWanted.OrderBy(r => r.Key == _baselineId ? 0 : 1).ThenBy(r => _roots[r.Key].Sequence))
        {
            if (_repeatsLaunched.GetValueOrDefault(id) < wanted)
            {
                _repeatsLaunched[id] = _repeatsLaunched.GetValueOrDefault(id) + 1;
                return _roots[id];
            }
        }
        return null;
    }

    /// <summary>Repeats queued but not launched yet.</summary>
    public int RepeatsQueued => _repeatsWanted.Sum(r => Math.Max(0, r.Value - _repeatsLaunched.GetValueOrDefault(r.Key)));

    /// <summary>
    /// Feeds a finished experiment; returns the judgements it made possible (possibly of earlier experiments, e.g. when the
    /// baseline's runs complete or a confirmation group is full). Idempotence is the caller's job (feed each experiment once).
    /// </summary>
    public IReadOnlyList<Judgement> Observe(ExperimentRecord e, DateTimeOffset now)
    {
        var judged = new List<Judgement>();
        switch (e.Kind)
        {
            case ExperimentKind.Repeat when e.RepeatOf is { } root:
                _repeatsFinished[root] = _repeatsFinished.GetValueOrDefault(root) + 1;
                if (e.HasUsableObjective)
                    Values(root).Add(e.Objective!.Value);
                UpdateNoise();
                if (_confirming.Contains(root) && _repeatsFinished[root] >= _repeatsWanted.GetValueOrDefault(root))
                {
                    _confirming.Remove(root);
                    judged.Add(JudgeGroup(_roots[root], now, allowConfirmation: false));
                }
                break;

            case ExperimentKind.Baseline:
                _baselineId ??= e.Id;
                _baselineFinished = true;
                _roots[e.Id] = e;
                if (e.HasUsableObjective)
                {
                    Values(e.Id).Add(e.Objective!.Value);
                    if (_history.Count == 0)
                    {
                        var entry = Entry(e, now, confidence: null, margin: null);
                        _history.Add(entry);
                        judged.Add(new Judgement(e, AcceptanceVerdict.Baseline, null, null, entry, "baseline"));
                    }
                }
                else
                {
                    _baselineFailed = true;
                }
                break;

            default:
                if (e.HasUsableObjective)
                {
                    _roots[e.Id] = e;
                    Values(e.Id).Add(e.Objective!.Value);
                    _awaiting.Add(e);
                }
                break;
        }

        judged.AddRange(JudgeAwaiting(now));
        return judged;
    }

    /// <summary>
    /// The campaign ends: judges what is still waiting (results whose confirmation runs never came, results that waited for
    /// the noise measurement) with the runs they have. Returns those judgements.
    /// </summary>
    public IReadOnlyList<Judgement> Close(DateTimeOffset now)
    {
        var judged = new List<Judgement>();
        foreach (var id in _confirming.OrderBy(id => _roots[id].Sequence).ToList())
        {
            _confirming.Remove(id);
            if (Values(id).Count < 2)
            {
                // Its first run only got it screened in (picked because it looked good): no fresh run, no test, no claim.
                judged.Add(new Judgement(_roots[id], AcceptanceVerdict.WithinNoise, null, null, null,
                    "not confirmed: the campaign ended before its confirmation runs") { Reason = AcceptanceReason.Confidence });
                continue;
            }
            judged.Add(JudgeGroup(_roots[id], now, allowConfirmation: false));
        }
        while (_awaiting.Count > 0)
        {
            var next = _awaiting[0];
            _awaiting.RemoveAt(0);
            if (_history.Count == 0)
            {
                var entry = Entry(next, now, confidence: null, margin: null);
                _history.Add(entry);
                judged.Add(new Judgement(next, AcceptanceVerdict.Accepted, null, null, entry, "first successful result (the baseline failed)"));
                continue;
            }
            judged.Add(JudgeGroup(next, now, allowConfirmation: false));
        }
        return judged;
    }

    /// <summary>Restores the leaderboard from the ledger (experiments in any order, leaderboard entries by index).</summary>
    public void Restore(IReadOnlyList<ExperimentRecord> experiments, IReadOnlyList<LeaderboardEntry> entries)
    {
        _history.AddRange(entries.OrderBy(x => x.Index));
        foreach (var e in experiments.Where(x => x.Kind != ExperimentKind.Repeat))
        {
            _roots[e.Id] = e;
            if (e.Kind == ExperimentKind.Baseline)
            {
                _baselineId = e.Id;
                _repeatsWanted[e.Id] = Math.Max(0, _noise.BaselineRuns - 1);
                _baselineFinished = e.IsFinished;
                if (e.IsFinished && !e.HasUsableObjective) _baselineFailed = true;
            }
            if (e.HasUsableObjective) Values(e.Id).Add(e.Objective!.Value);
            if (e.Verdict == AcceptanceVerdict.Confirming)
            {
                _confirming.Add(e.Id);
                _repeatsWanted[e.Id] = _noise.ConfirmationRuns;
            }
            else if (e.Kind == ExperimentKind.Proposal && e.HasUsableObjective && e.Verdict == AcceptanceVerdict.NotJudged)
            {
                _awaiting.Add(e);
            }
        }
        foreach (var r in experiments.Where(x => x.Kind == ExperimentKind.Repeat && x.RepeatOf is not null))
        {
            var root = r.RepeatOf!;
            // A repeat of a result that was judged without confirmation cannot happen; keep the counts consistent anyway.
            if (!_repeatsWanted.ContainsKey(root)) _repeatsWanted[root] = 0;
            _repeatsLaunched[root] = _repeatsLaunched.GetValueOrDefault(root) + 1;
            if (r.IsFinished)
            {
                _repeatsFinished[root] = _repeatsFinished.GetValueOrDefault(root) + 1;
                if (r.HasUsableObjective) Values(root).Add(r.Objective!.Value);
            }
            else
            {
                // Unfinished repeats are re-run by their agent after a restart; they stay launched.
            }
        }
        _awaiting.Sort((a, b) => Nullable.Compare(a.EndedAt, b.EndedAt));
        // A judgement that carries a confidence was a test (screening and minimum-improvement judgements carry none).
        Tests = experiments.Count(x => x.Kind == ExperimentKind.Proposal && x.Confidence is not null &&
            x.Verdict is AcceptanceVerdict.Accepted or AcceptanceVerdict.WithinNoise or AcceptanceVerdict.NotBetter);
        UpdateNoise();
    }

    private IEnumerable<Judgement> JudgeAwaiting(DateTimeOffset now)
    {
        if (!NoiseReady) yield break;
        while (_awaiting.Count > 0)
        {
            var next = _awaiting[0];
            _awaiting.RemoveAt(0);
            if (_history.Count == 0)
            {
                // No usable baseline: the first successful result becomes the reference.
                var entry = Entry(next, now, confidence: null, margin: null);
                _history.Add(entry);
                yield return new Judgement(next, AcceptanceVerdict.Accepted, null, null, entry, "first successful result (the baseline failed)");
                continue;
            }
            yield return JudgeGroup(next, now, allowConfirmation: true);
        }
    }

    private Judgement JudgeGroup(ExperimentRecord candidate, DateTimeOffset now, bool allowConfirmation)
    {
        var best = Best!;
        var bestValues = Values(best.ExperimentId);
        var bestMean = bestValues.Count > 0 ? bestValues.Average() : best.Objective;
        var bestRuns = Math.Max(1, bestValues.Count);
        var values = Values(candidate.Id);
        var verdict = AcceptanceJudge.Judge(_metric, _noise, bestMean, bestRuns, Estimate, values, Tests, confirmationDue: allowConfirmation);
        if (verdict.Tested) Tests++;
        var why = Why(verdict, bestMean, bestRuns, values);

        if (verdict.Verdict == AcceptanceVerdict.Confirming && allowConfirmation && _noise.ConfirmationRuns > 0)
        {
            _confirming.Add(candidate.Id);
            _repeatsWanted[candidate.Id] = _noise.ConfirmationRuns;
            return new Judgement(candidate, AcceptanceVerdict.Confirming, verdict.Confidence, verdict.Margin, null, why) { Reason = verdict.Reason };
        }

        var final = verdict.Verdict == AcceptanceVerdict.Confirming ? AcceptanceVerdict.WithinNoise : verdict.Verdict;
        if (final == AcceptanceVerdict.Accepted)
        {
            var entry = Entry(candidate, now, verdict.Confidence, verdict.Margin, verdict.Reason);
            _history.Add(entry);
            return new Judgement(candidate, final, verdict.Confidence, verdict.Margin, entry, why) { Reason = verdict.Reason };
        }
        if (PrefersByMean(verdict, best, values))
        {
            // Not a confident win, but the better estimate: its fresh runs beat the best's mean, and the campaign's gain over
            // the baseline was already made with confidence by the best it replaces. No confidence is claimed for the switch.
            var entry = Entry(candidate, now, confidence: null, margin: null, AcceptanceReason.BetterMean);
            _history.Add(entry);
            var because = $"mean {Fmt(values.Average())} over {values.Count} runs; its fresh runs beat the best {Fmt(bestMean)} ({bestRuns} runs) by " +
                          $"{Fmt(verdict.Improvement)}, not more than the margin {Fmt(verdict.Margin)} of test {Tests}: preferred as the better estimate " +
                          $"(#{best.Sequence}, which it replaces, was accepted with confidence over the baseline); no further confidence is claimed";
            return new Judgement(candidate, AcceptanceVerdict.Accepted, verdict.Confidence, verdict.Margin, entry, because) { Reason = AcceptanceReason.BetterMean };
        }
        return new Judgement(candidate, final, verdict.Confidence, verdict.Margin, null, why) { Reason = verdict.Reason };
    }

    /// <summary>
    /// The better-mean rule (<see cref="NoiseSpec.PreferBetterMean"/>): a candidate tested on its confirmation runs that beat the
    /// best's mean on them without reaching the confidence margin replaces a best that was accepted with confidence (or by this
    /// rule after one that was). A best that is the baseline is only ever replaced with confidence, so a campaign where nothing
    /// really improves still claims nothing (the calibration is the confident test's).
    /// </summary>
    private bool PrefersByMean(AcceptanceResult verdict, LeaderboardEntry best, List<double> values) =>
        _noise.PreferBetterMean && _noise.ConfirmationRuns > 0 && verdict is { Tested: true, Verdict: AcceptanceVerdict.WithinNoise, Improvement: > 0 } &&
        values.Count >= 2 && best.Index > 0 && best.Reason is AcceptanceReason.Confidence or AcceptanceReason.BetterMean;

    /// <summary>The journal's sentence for a judgement (written once here; the typed verdict and reason travel beside it).</summary>
    private string Why(AcceptanceResult r, double bestMean, int bestRuns, List<double> values)
    {
        var minimum = _noise.EffectiveMinImprovement;
        var stated = minimum.Stated ? "" : " (the default; set min_improvement in the campaign file)";
        if (r.Reason == AcceptanceReason.MinimumImprovement && minimum.Value == 0 && !minimum.Stated)
        {
            return r.Verdict == AcceptanceVerdict.Accepted
                ? $"beats the best {Fmt(bestMean)} by {Fmt(r.Improvement)} (noise measurement is off: any strictly better result counts; no confidence is claimed)"
                : $"not better than the best {Fmt(bestMean)}";
        }
        if (r.Reason == AcceptanceReason.MinimumImprovement)
        {
            var grounds = IdenticalRepeats
                ? "the baseline's repeats were identical, so no confidence can be measured"
                : "no run-to-run noise was measured, so no confidence is claimed";
            return r.Verdict switch
            {
                AcceptanceVerdict.Accepted =>
                    $"beats the best {Fmt(bestMean)} by {Fmt(r.Improvement)}, at least the minimum improvement {minimum} = {Fmt(r.Margin)}{stated}; {grounds}",
                AcceptanceVerdict.WithinNoise =>
                    $"better than the best {Fmt(bestMean)} by {Fmt(r.Improvement)}, less than the minimum improvement {minimum} = {Fmt(r.Margin)}{stated}; {grounds}",
                _ => $"not better than the best {Fmt(bestMean)}",
            };
        }
        return r.Verdict switch
        {
            AcceptanceVerdict.Confirming =>
                $"better than the best {Fmt(bestMean)} by {Fmt(r.Improvement)}, more than the screening margin {Fmt(r.Margin)}; {_noise.ConfirmationRuns} confirmation runs queued to test it on fresh runs",
            AcceptanceVerdict.Accepted =>
                $"beats the best {Fmt(bestMean)} ({bestRuns} runs) on fresh runs by {Fmt(r.Improvement)}, more than the margin {Fmt(r.Margin)} of test {Tests} (corrected for {Tests} comparisons)",
            AcceptanceVerdict.WithinNoise when r.Tested =>
                $"mean {Fmt(values.Average())} over {values.Count} runs; its fresh runs beat the best {Fmt(bestMean)} by {Fmt(r.Improvement)}, not more than the margin {Fmt(r.Margin)} of test {Tests} (corrected for {Tests} comparisons)",
            AcceptanceVerdict.WithinNoise =>
                $"better than the best {Fmt(bestMean)} by {Fmt(r.Improvement)}, within the screening margin {Fmt(r.Margin)} of the noise",
            _ => $"not better than the best {Fmt(bestMean)}",
        };
    }

    private LeaderboardEntry Entry(ExperimentRecord e, DateTimeOffset now, double? confidence, double? margin, AcceptanceReason? grounds = null)
    {
        var values = Values(e.Id);
        return new LeaderboardEntry
        {
            CampaignId = _campaignId,
            Index = _history.Count,
            ExperimentId = e.Id,
            Sequence = e.Sequence,
            AgentId = e.AgentId,
            Objective = values.Count > 0 ? values.Average() : e.Objective ?? double.NaN,
            Runs = Math.Max(1, values.Count),
            StdDev = values.Count >= 2 ? StdDev(values) : null,
            Confidence = confidence,
            Margin = margin,
            Grounds = grounds,
            AcceptedAt = now,
            Parameters = e.Parameters,
            EditedFiles = new Dictionary<string, string>(e.EditedFiles, StringComparer.Ordinal),
        };
    }

    private void UpdateNoise()
    {
        // The same rule the ledger's views use (NoiseSummaries.Estimate): the confirmed candidates' repeats once they measure
        // the noise at least as well as the baseline's runs, else every group.
        var baseline = _baselineId is { } b && _values.TryGetValue(b, out var runs) ? runs : null;
        var estimate = NoiseEstimator.ForComparisons(baseline,
            _values.Where(kv => kv.Key != _baselineId && kv.Value.Count >= 2).Select(kv => (IReadOnlyList<double>)kv.Value).ToList());
        Estimate = estimate;
        NoiseStdDev = estimate?.StdDev;
        NoiseRuns = estimate?.Runs ?? 0;
    }

    private List<double> Values(string id)
    {
        if (!_values.TryGetValue(id, out var list))
            _values[id] = list = [];
        return list;
    }

    private static double StdDev(List<double> v)
    {
        var mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
    }

    private static string Fmt(double? v) => v is { } x ? x.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
