using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Bench.Scheduling;

/// <summary>The baseline: K loops each calling the Docker runner back to back with the benchmark's defaults.</summary>
internal static class PlainLoop
{
    public static async Task<Measurement> RunAsync(BenchmarkSpec benchmark, int experiments, int loops)
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddDockerSandboxes(o => o.Owner = "bench-loop-" + Guid.NewGuid().ToString("N")[..8])
            .BuildServiceProvider();
        var runner = services.GetRequiredService<ISandboxRunner>();
        var campaignId = "bench-loop-" + DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var next = -1;
        var results = new System.Collections.Concurrent.ConcurrentBag<SandboxResult>();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < experiments)
            {
                var result = await runner.RunAsync(new SandboxRequest
                {
                    CampaignId = campaignId,
                    ExperimentId = $"{campaignId}/{i:D4}",
                    Benchmark = benchmark,
                    Parameters = benchmark.Defaults(),
                    Seed = i,
                }, null, null, CancellationToken.None);
                if (result.Status != ExperimentStatus.Succeeded)
                    throw new InvalidOperationException($"run {i} {result.Status}: {result.Reason}");
                results.Add(result);
            }
        }));
        var first = results.Min(r => r.StartedAt);
        var last = results.Max(r => r.EndedAt);
        return new Measurement(results.Count, (last - first).TotalSeconds, results.Sum(r => (r.EndedAt - r.StartedAt).TotalSeconds), null);
    }
}
