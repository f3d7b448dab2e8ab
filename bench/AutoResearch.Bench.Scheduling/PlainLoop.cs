using System.Collections.Concurrent;
using System.Diagnostics;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Bench.Scheduling;

/// <summary>
/// The baseline: K loops, each calling <see cref="DockerSandboxRunner"/> back to back with the benchmark's defaults and a new
/// seed, no grains, no ledger, no proposals. Experiments are taken from a shared counter until N have been started.
/// </summary>
internal static class PlainLoop
{
    public static async Task<Measurement> RunAsync(BenchmarkSpec benchmark, int experiments, int loops, double seconds)
    {
        var owner = "bench-loop-" + Guid.NewGuid().ToString("N")[..8];
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddDockerSandboxes(o =>
            {
                o.Owner = owner;
                o.Environment[Program.RunSecondsVariable] = Program.Invariant(seconds);
            })
            .BuildServiceProvider();
        var runner = services.GetRequiredService<ISandboxRunner>();
        var campaignId = owner;
        // Like a campaign's runs, each run's /work/out is copied out after the run (the campaign sets ArtifactsDirectory too).
        var artifacts = Path.Combine(Path.GetTempPath(), owner);
        var next = -1;
        var runs = new ConcurrentBag<Run>();
        var callSeconds = new ConcurrentBag<double>();
        var before = new ConcurrentBag<double>();
        var after = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < experiments)
            {
                var called = clock.Elapsed;
                var calledAt = DateTimeOffset.UtcNow;
                var result = await runner.RunAsync(new SandboxRequest
                {
                    CampaignId = campaignId,
                    ExperimentId = $"{campaignId}/{i:D4}",
                    Benchmark = benchmark,
                    Parameters = benchmark.Defaults(),
                    Seed = i,
                    ArtifactsDirectory = Path.Combine(artifacts, i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)),
                }, null, null, CancellationToken.None);
                // Back to back: the loop's next call starts now, so this is the loop's wall time per experiment.
                callSeconds.Add((clock.Elapsed - called).TotalSeconds);
                var returnedAt = DateTimeOffset.UtcNow;
                before.Add((result.StartedAt - calledAt).TotalSeconds);
                after.Add((returnedAt - result.EndedAt).TotalSeconds);
                if (result.Status != ExperimentStatus.Succeeded)
                    throw new InvalidOperationException($"loop run {i} {result.Status}: {result.Reason}\n{result.LogTail}");
                runs.Add(new Run(result.StartedAt, result.EndedAt));
            }
        }));
        clock.Stop();
        try { Directory.Delete(artifacts, recursive: true); } catch (DirectoryNotFoundException) { }

        var measurement = new Measurement("plain loop", loops, runs.OrderBy(r => r.Start).ToList());
        var calls = callSeconds.ToArray();
        measurement.Notes.Add($"wall time per experiment per loop (one RunAsync call to the next): {Stats.Describe(calls)}");
        measurement.Notes.Add($"of which outside the container (RunAsync wall − container run; create, copy-in, attach, start, inspect, result file, artifact copy, remove): "
            + $"{Program.Invariant((calls.Sum() - measurement.RunSeconds) / calls.Length, "F3")} s mean");
        measurement.Notes.Add($"  before the container starts (call to container start: create, copy-in, attach, start): {Stats.Describe(before.ToArray())}");
        measurement.Notes.Add($"  after the container ends (container end to return: drain, inspect, result file, artifact copy, remove): {Stats.Describe(after.ToArray())}");
        measurement.Notes.Add($"container run: {Stats.Describe(measurement.Runs.Select(r => r.Seconds).ToArray())}");
        measurement.Notes.Add($"loop wall time (first call to last return): {Program.Invariant(clock.Elapsed.TotalSeconds, "F1")} s");
        return measurement;
    }
}
