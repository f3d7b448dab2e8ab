using System.Collections.Concurrent;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// An in-process sandbox for orchestration tests: evaluates Branin from the parameters after a short delay,
/// or whatever a test scripts per campaign. Records peak concurrency per campaign.
/// </summary>
public sealed class ScriptedSandboxRunner : ISandboxRunner
{
    private readonly ConcurrentDictionary<string, Func<SandboxRequest, SandboxResult?>> _scripts = new();
    private readonly ConcurrentDictionary<string, int> _running = new();
    private readonly ConcurrentDictionary<string, int> _peak = new();
    private readonly ConcurrentDictionary<string, int> _runs = new();
    private readonly ConcurrentDictionary<string, string> _gpusHeld = new();
    private int _gpuConflicts;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Sandboxes that finished while no silo watched them, by container id: what <see cref="CollectAsync"/> finds.</summary>
    public ConcurrentDictionary<string, SandboxResult> Leftovers { get; } = new(StringComparer.Ordinal);

    public Task<SandboxResult?> CollectAsync(SandboxRequest request, string containerId, CancellationToken cancellationToken) =>
        Task.FromResult(Leftovers.TryRemove(containerId, out var result) ? result with { ContainerId = containerId } : null);

    /// <summary>For a campaign: return a result to override Branin, or null to evaluate normally.</summary>
    public void Script(string campaignId, Func<SandboxRequest, SandboxResult?> script) => _scripts[campaignId] = script;

    public int PeakConcurrency(string campaignId) => _peak.GetValueOrDefault(campaignId);

    public int Runs(string campaignId) => _runs.GetValueOrDefault(campaignId);

    /// <summary>Times a run was handed a GPU id that another running experiment held.</summary>
    public int GpuConflicts => _gpuConflicts;

    /// <summary>GPU ids handed to runs, per campaign.</summary>
    public ConcurrentDictionary<string, ConcurrentBag<string>> GpusSeen { get; } = new();

    public async Task<SandboxResult> RunAsync(SandboxRequest request, Func<string, Task>? onStarted, Action<MetricPoint>? onMetric, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var now = _running.AddOrUpdate(request.CampaignId, 1, (_, n) => n + 1);
        _peak.AddOrUpdate(request.CampaignId, now, (_, p) => Math.Max(p, now));
        _runs.AddOrUpdate(request.CampaignId, 1, (_, n) => n + 1);
        foreach (var gpu in request.GpuDeviceIds)
        {
            GpusSeen.GetOrAdd(request.CampaignId, _ => []).Add(gpu);
            if (!_gpusHeld.TryAdd(gpu, request.ExperimentId)) Interlocked.Increment(ref _gpuConflicts);
        }
        try
        {
            if (onStarted is not null) await onStarted($"scripted-{request.ExperimentId}");
            await Task.Delay(Delay, cancellationToken);
            if (_scripts.TryGetValue(request.CampaignId, out var script) && script(request) is { } scripted)
                return EarlyStopped(request, scripted with { StartedAt = started, EndedAt = DateTimeOffset.UtcNow });
            var x1 = double.Parse(request.Parameters["x1"].Text, CultureInfo.InvariantCulture);
            var x2 = double.Parse(request.Parameters["x2"].Text, CultureInfo.InvariantCulture);
            var value = Branin(x1, x2);
            return new SandboxResult
            {
                Status = ExperimentStatus.Succeeded,
                ExitCode = 0,
                ImageId = "sha256:scripted",
                StartedAt = started,
                EndedAt = DateTimeOffset.UtcNow,
                Objective = value,
                Metrics = [new MetricPoint { Name = "value", Value = value }],
                LogTail = $"METRIC value={value.ToString("R", CultureInfo.InvariantCulture)}",
            };
        }
        finally
        {
            foreach (var gpu in request.GpuDeviceIds)
                _gpusHeld.TryRemove(new KeyValuePair<string, string>(gpu, request.ExperimentId));
            _running.AddOrUpdate(request.CampaignId, 0, (_, n) => n - 1);
        }
    }

    /// <summary>Feeds the result's metric points to the request's early-stopping callback, like the Docker runner does.</summary>
    private static SandboxResult EarlyStopped(SandboxRequest request, SandboxResult result)
    {
        if (request.EarlyStop is null) return result;
        for (var i = 0; i < result.Metrics.Count; i++)
        {
            if (request.EarlyStop(result.Metrics[i]) is { } reason)
            {
                var kept = result.Metrics.Take(i + 1).ToList();
                var objective = kept.LastOrDefault(m => m.Name == request.Benchmark.Metric.Name)?.Value;
                return result with { Status = ExperimentStatus.Pruned, Failure = FailureKind.None, Reason = reason, Metrics = kept, Objective = objective };
            }
        }
        return result;
    }

    public Task<IReadOnlyList<string>> ReapAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public static double Branin(double x1, double x2)
    {
        const double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        return a * Math.Pow(x2 - b * x1 * x1 + c * x1 - r, 2) + s * (1 - t) * Math.Cos(x1) + s;
    }
}
