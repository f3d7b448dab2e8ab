using AutoResearch.Abstractions.Experiments;
using AutoResearch.Harness;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>Every shipped benchmark loads and runs in its real image under the real sandbox limits.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchmarkTests
{
    [Theory]
    [InlineData("branin", "value", 55.0, 56.0, null, null)]
    [InlineData("digits-mlp", "val_error", 0.0, 0.6, "epochs", "10")]
    [InlineData("tiny-lm", "val_bpb", 0.5, 8.0, "time_budget", "5")]
    [InlineData("matmul-kernel", "gflops", 0.01, 1000.0, null, null)]
    public async Task Shipped_benchmark_runs_at_its_defaults_and_reports_its_objective(
        string name, string metric, double low, double high, string? overrideName, string? overrideValue)
    {
        var spec = BenchmarkLoader.Load(Path.Combine(RepoPaths.Root, "sandboxes", "benchmarks", name));
        Assert.Equal(metric, spec.Metric.Name);
        var parameters = spec.Defaults();
        if (overrideName is not null) parameters = parameters.With(overrideName, AutoResearch.Abstractions.Parameters.ParameterValue.FromStored(overrideValue!)); // keeps CI time down; time_budget is not tunable

        using var runner = Sandboxes.Create();
        var result = await runner.RunAsync(new SandboxRequest
        {
            CampaignId = "e2e-benchmarks",
            ExperimentId = $"{name}-{Guid.NewGuid():N}"[..24],
            Benchmark = spec,
            Parameters = parameters,
            Seed = 1,
        }, null, null, CancellationToken.None);

        Assert.True(result.Status == ExperimentStatus.Succeeded, $"{result.Failure}: {result.Reason}\n{result.LogTail}");
        Assert.InRange(result.Objective!.Value, low, high);
        Assert.StartsWith("sha256:", result.ImageId);
        Assert.Contains(result.Metrics, m => m.Name == metric);
    }
}
