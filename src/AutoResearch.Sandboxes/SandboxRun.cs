using AutoResearch.Abstractions.Experiments;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Sandboxes;

/// <summary>The mutable bookkeeping of one run: output capture, metric points, notes, timestamps; builds the result.</summary>
internal sealed class SandboxRun
{
    private const int MaxNotes = 20;
    private const int ReasonLines = 20;
    private const int ReasonChars = 4000;

    private readonly Action<MetricPoint>? _onMetric;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<MetricPoint> _metrics = [];
    private readonly List<string> _notes = [];
    private readonly CancellationTokenSource _stop = new();
    private int _droppedNotes;
    private int _pointsAtStop = int.MaxValue;
    private bool _callbackFailed;
    private bool _earlyStopFailed;
    private volatile bool _earlyStopClosed;

    public SandboxRun(SandboxRequest request, int outputCapBytes, Action<MetricPoint>? onMetric, ILogger logger)
    {
        Request = request;
        _onMetric = onMetric;
        _logger = logger;
        Output = new OutputCapture(outputCapBytes, OnLine);
        StartedAt = DateTimeOffset.UtcNow;
    }

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

    /// <summary>Records a point and reports it to the caller.</summary>
    public void AddMetric(MetricPoint point)
    {
        lock (_gate)
        {
            _metrics.Add(point);
        }

        CheckEarlyStop(point);
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
                    _pointsAtStop = _metrics.Count;
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

    /// <summary>The last value reported for <paramref name="name"/> (among the first <paramref name="within"/> points), if any.</summary>
    public double? LastValue(string name, int within = int.MaxValue)
    {
        lock (_gate)
        {
            for (var i = Math.Min(_metrics.Count, within) - 1; i >= 0; i--)
            {
                if (_metrics[i].Name == name)
                {
                    return _metrics[i].Value;
                }
            }
        }

        return null;
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

    private List<string> NotesList()
    {
        var notes = new List<string>(_notes);
        if (_droppedNotes > 0)
        {
            notes.Add($"and {_droppedNotes} more notes");
        }

        return notes;
    }

    public SandboxResult Succeed(double objective) => Build(ExperimentStatus.Succeeded, FailureKind.None, null, objective);

    public SandboxResult Fail(FailureKind failure, string reason) => Build(ExperimentStatus.Failed, failure, reason, null);

    /// <summary>
    /// Stopped early: the objective is the last value it reported up to the stop (a pessimistic estimate), if any; points the
    /// output still carried until the kill landed are kept in the metrics but do not change it.
    /// </summary>
    public SandboxResult Pruned(string reason) => Build(ExperimentStatus.Pruned, FailureKind.None, reason, LastValue(Request.Benchmark.Metric.Name, _pointsAtStop));

    private SandboxResult Build(ExperimentStatus status, FailureKind failure, string? reason, double? objective)
    {
        MarkEnded();
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
                LogHead = Output.Head,
                LogTail = Output.Tail,
                Notes = NotesList(),
                ArtifactsTruncated = ArtifactsTruncated,
            };
        }
    }

    private void OnLine(string line, bool cut)
    {
        if (cut)
        {
            if (line.TrimStart().StartsWith(MetricLineParser.Keyword, StringComparison.Ordinal))
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
            AddMetric(point);
        }

        foreach (var problem in parsed.Problems)
        {
            Note(problem);
        }
    }
}
