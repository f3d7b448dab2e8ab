using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Sandboxes;

/// <summary>The mutable bookkeeping of one run: output capture, metric points, notes, timestamps; builds the result.</summary>
internal sealed class SandboxRun
{
    private const int MaxNotes = 20;
    private const int ReasonLines = 20;
    private const int ReasonChars = 4000;

    /// <summary>Longest metric name kept; longer ones are rejected with a note.</summary>
    internal const int MaxMetricNameLength = 100;

    /// <summary>Longest note kept (notes may quote output).</summary>
    private const int MaxNoteChars = 300;

    /// <summary>Most characters of the scorer's output appended to the log tail.</summary>
    private const int MaxScorerLogChars = 8000;

    private readonly Action<MetricPoint>? _onMetric;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly MetricPointBuffer _metrics = new();
    private readonly List<string> _notes = [];
    private readonly CancellationTokenSource _stop = new();
    private int _droppedNotes;
    private double? _printedAtStop;
    private bool _stopped;
    private bool _callbackFailed;
    private bool _earlyStopFailed;
    private volatile bool _earlyStopClosed;
    private double? _printedObjective;
    private double? _fileObjective;
    private long _stderrMetricLines;
    private long _rejectedPoints;
    private string? _scorerLog;

    public SandboxRun(SandboxRequest request, int outputCapBytes, Action<MetricPoint>? onMetric, ILogger logger)
    {
        Request = request;
        _onMetric = onMetric;
        _logger = logger;
        Output = new OutputCapture(outputCapBytes, OnLine);
        StartedAt = DateTimeOffset.UtcNow;
        UntrustedOutput = request.Benchmark.Scorer is not null;
    }

    /// <summary>
    /// The benchmark has a trusted scorer: this run's METRIC lines are recorded as untrusted points (early stopping only)
    /// and its <c>result.json</c> is not read; the objective comes from the scorer.
    /// </summary>
    public bool UntrustedOutput { get; }

    public SandboxRequest Request { get; }

    public OutputCapture Output { get; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public string? ContainerId { get; set; }

    public string? ImageId { get; set; }

    public long? ExitCode { get; set; }

    /// <summary>Fires when the request's early-stopping callback asks to stop the run.</summary>
    public CancellationToken StopRequested => _stop.Token;

    /// <summary>Why the early-stopping callback stopped the run; null while it runs on.</summary>
    public string? StopReason { get; private set; }

    public void MarkStarted() => StartedAt = DateTimeOffset.UtcNow;

    /// <summary>The output is drained: later points (from <c>result.json</c>) no longer go to the early-stopping callback.</summary>
    public void CloseEarlyStop() => _earlyStopClosed = true;

    public void MarkEnded() => EndedAt ??= DateTimeOffset.UtcNow;

    /// <summary>For a run collected after it ended unwatched: the start and end Docker recorded.</summary>
    public void MarkTimes(DateTimeOffset startedAt, DateTimeOffset endedAt) => (StartedAt, EndedAt) = (startedAt, endedAt);

    /// <summary>Records a point printed on stdout and reports it to the caller (and to early stopping).</summary>
    public void AddMetric(MetricPoint point)
    {
        if (UntrustedOutput)
        {
            point = point with { Untrusted = true };
        }

        lock (_gate)
        {
            _metrics.Add(point);
            if (!point.Untrusted && point.Name == Request.Benchmark.Metric.Name)
            {
                _printedObjective = point.Value;
            }
        }

        CheckEarlyStop(point);
        Report(point);
    }

    /// <summary>Records a point read from <c>result.json</c> (after the output ended: no early stopping).</summary>
    public void AddResultFileMetric(MetricPoint point)
    {
        lock (_gate)
        {
            _metrics.Add(point);
            if (point.Name == Request.Benchmark.Metric.Name)
            {
                _fileObjective = point.Value;
            }
        }

        Report(point);
    }

    private void Report(MetricPoint point)
    {
        if (_onMetric is null)
        {
            return;
        }

        try
        {
            _onMetric(point);
        }
        catch (Exception ex)
        {
            if (!_callbackFailed)
            {
                _callbackFailed = true;
                _logger.LogWarning(ex, "The metric callback failed for {MetricName} in experiment {ExperimentId}; the run goes on", point.Name, Request.ExperimentId);
            }
        }
    }

    private void CheckEarlyStop(MetricPoint point)
    {
        if (Request.EarlyStop is not { } rule || StopReason is not null || _earlyStopClosed)
        {
            return;
        }

        try
        {
            if (rule(point) is { } reason)
            {
                lock (_gate)
                {
                    (_printedAtStop, _stopped) = (_printedObjective, true);
                }

                StopReason = reason;
                _stop.Cancel();
            }
        }
        catch (Exception ex)
        {
            if (!_earlyStopFailed)
            {
                _earlyStopFailed = true;
                _logger.LogWarning(ex, "The early-stopping rule failed for experiment {ExperimentId}; the run goes on", Request.ExperimentId);
            }
        }
    }

    /// <summary>Whether some of <c>out/</c> was not copied (a cap, the clock or an error); kept on the result.</summary>
    public bool ArtifactsTruncated { get; set; }

    /// <summary>A note kept even past the note cap (limits that cut the run's results).</summary>
    public void NoteAlways(string note)
    {
        lock (_gate)
        {
            _notes.Add(note);
        }

        _logger.LogDebug("Experiment {ExperimentId}: {Note}", Request.ExperimentId, note);
    }

    public void Note(string note)
    {
        if (note.Length > MaxNoteChars)
        {
            note = string.Concat(note.AsSpan(0, MaxNoteChars), "...");
        }

        lock (_gate)
        {
            if (_notes.Count < MaxNotes)
            {
                _notes.Add(note);
            }
            else
            {
                _droppedNotes++;
            }
        }

        _logger.LogDebug("Experiment {ExperimentId}: {Note}", Request.ExperimentId, note);
    }

    /// <summary>
    /// The objective this run reported: <c>result.json</c>'s value when it has one, else the last METRIC line on stdout
    /// (a disagreement between the two is noted). Null <see cref="ObjectiveReading.Value"/>: none was reported;
    /// a <see cref="ObjectiveReading.Problem"/>: it is outside <c>metric.range</c>. Never from untrusted output.
    /// </summary>
    public ObjectiveReading Objective()
    {
        var metric = Request.Benchmark.Metric;
        double? file, printed;
        lock (_gate)
        {
            // A run stopped early is judged on what it printed up to the stop, not on points that slipped out before the kill.
            (file, printed) = (_fileObjective, _stopped ? _printedAtStop : _printedObjective);
        }

        if (UntrustedOutput)
        {
            return new ObjectiveReading(null, null);
        }

        if (file is { } f && printed is { } p && !Agree(f, p))
        {
            Note(string.Create(CultureInfo.InvariantCulture,
                $"{ContainerParametersBuilder.ResultFileName} gives {metric.Name}={f:R} but the last METRIC line on stdout gives {p:R}; {ContainerParametersBuilder.ResultFileName} counts"));
        }

        if ((file ?? printed) is not { } value)
        {
            return new ObjectiveReading(null, null);
        }

        if (!metric.IsPlausible(value))
        {
            var range = string.Create(CultureInfo.InvariantCulture, $"[{(metric.RangeLow is { } lo ? lo.ToString("R", CultureInfo.InvariantCulture) : "-inf")}, {(metric.RangeHigh is { } hi ? hi.ToString("R", CultureInfo.InvariantCulture) : "inf")}]");
            return new ObjectiveReading(value, string.Create(CultureInfo.InvariantCulture,
                $"reported {metric.Name}={value:R}, outside the plausible range {range} declared in metric.range; the value is not used"));
        }

        return new ObjectiveReading(value, null);

        static bool Agree(double a, double b) => Math.Abs(a - b) <= 1e-9 + (1e-4 * Math.Max(Math.Abs(a), Math.Abs(b)));
    }

    /// <summary>Takes over a trusted scorer's outcome: its points (trusted), notes, output and end time; the result keeps this run's container and start.</summary>
    public SandboxResult WithScorer(SandboxResult scored, SandboxRun scorer)
    {
        foreach (var point in scored.Metrics)
        {
            lock (_gate)
            {
                _metrics.Add(point with { Untrusted = false });
            }

            Report(point);
        }

        foreach (var note in scored.Notes)
        {
            Note($"scorer: {note}");
        }

        var output = scorer.Output.Head + scorer.Output.Tail;
        if (output.Length > MaxScorerLogChars)
        {
            output = string.Concat(output.AsSpan(0, MaxScorerLogChars / 4), "\n[... scorer output omitted ...]\n", output.AsSpan(output.Length - (MaxScorerLogChars * 3 / 4)));
        }

        _scorerLog = "\n[trusted scorer output]\n" + output;

        // The experiment took until the scorer ended: its time is charged to the budgets as well.
        EndedAt = scorer.EndedAt ?? DateTimeOffset.UtcNow;
        return scored.Status switch
        {
            ExperimentStatus.Succeeded => Build(ExperimentStatus.Succeeded, FailureKind.None, null, scored.Objective),
            _ => Build(scored.Status, scored.Failure, $"the trusted scorer failed: {scored.Reason}", null),
        };
    }

    /// <summary>The end of the output for reasons ("(no output)" when there was none).</summary>
    public string OutputEnd()
    {
        var end = Output.LastLines(ReasonLines, ReasonChars);
        return end.Length == 0 ? "(no output)" : end;
    }

    /// <summary>Notes gathered while parsing (bad metric values, ignored files), joined; empty when none.</summary>
    public string NotesText()
    {
        lock (_gate)
        {
            var text = string.Join("; ", _notes);
            return _droppedNotes > 0 ? $"{text}; and {_droppedNotes} more" : text;
        }
    }

    public SandboxResult Succeed(double objective) => Build(ExperimentStatus.Succeeded, FailureKind.None, null, objective);

    public SandboxResult Fail(FailureKind failure, string reason) => Build(ExperimentStatus.Failed, failure, reason, null);

    /// <summary>
    /// Stopped early: the objective is the last plausible value it reported (a pessimistic estimate), if any;
    /// none when a trusted scorer decides (the stopped run is not scored).
    /// </summary>
    public SandboxResult Pruned(string reason)
    {
        var reading = Objective();
        return Build(ExperimentStatus.Pruned, FailureKind.None, reason, reading.Problem is null ? reading.Value : null);
    }

    private SandboxResult Build(ExperimentStatus status, FailureKind failure, string? reason, double? objective)
    {
        MarkEnded();
        var notes = FinalNotes();
        lock (_gate)
        {
            return new SandboxResult
            {
                Status = status,
                Failure = failure,
                Reason = reason,
                ContainerId = ContainerId,
                ImageId = ImageId,
                ExitCode = ExitCode,
                StartedAt = StartedAt,
                EndedAt = EndedAt!.Value,
                Objective = objective,
                Metrics = _metrics.ToArray(),
                Notes = notes,
                LogHead = Output.Head,
                LogTail = Output.Tail + _scorerLog + NotesTrailer(notes),
                ArtifactsTruncated = ArtifactsTruncated,
            };
        }
    }

    /// <summary>The notes plus the summaries gathered along the way (stderr lines, rejected and thinned points).</summary>
    private List<string> FinalNotes()
    {
        var extra = new List<string>();
        lock (_gate)
        {
            if (_stderrMetricLines > 0)
            {
                extra.Add($"{_stderrMetricLines} METRIC line(s) on stderr ignored: only stdout counts");
            }

            if (_rejectedPoints > 0)
            {
                extra.Add($"{_rejectedPoints} metric value(s) with a name longer than {MaxMetricNameLength} characters rejected");
            }

            if (_metrics.Dropped > 0)
            {
                extra.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{_metrics.Count} metric points reported; kept the first {MetricPointBuffer.HeadCount}, the last {MetricPointBuffer.TailCount}, an even sample of the middle and the last of each name ({_metrics.Count - _metrics.Dropped} in all)"));
            }

            var all = new List<string>(_notes);
            if (_droppedNotes > 0)
            {
                all.Add($"and {_droppedNotes} more notes");
            }

            all.AddRange(extra);
            return all;
        }
    }

    private static string NotesTrailer(List<string> notes) =>
        notes.Count == 0 ? "" : "\n[runner notes]\n" + string.Join("\n", notes.Select(n => "- " + n)) + "\n";

    private void OnLine(string line, bool cut, bool stderr)
    {
        var isMetric = line.TrimStart().StartsWith(MetricLineParser.Keyword, StringComparison.Ordinal);
        if (stderr)
        {
            if (isMetric)
            {
                lock (_gate)
                {
                    _stderrMetricLines++;
                }
            }

            return;
        }

        if (cut)
        {
            if (isMetric)
            {
                Note("a METRIC line longer than the output cap was ignored");
            }

            return;
        }

        var parsed = MetricLineParser.Parse(line);
        if (!parsed.IsMetricLine)
        {
            return;
        }

        foreach (var point in parsed.Points)
        {
            if (point.Name.Length > MaxMetricNameLength)
            {
                lock (_gate)
                {
                    _rejectedPoints++;
                }

                continue;
            }

            AddMetric(point);
        }

        foreach (var problem in parsed.Problems)
        {
            Note(problem);
        }
    }
}
