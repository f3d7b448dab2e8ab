using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>
/// The real-benchmark suite (bench/real/benchmarks) runs in its image under the real sandbox limits: every benchmark
/// at its defaults, its failing regions fail, and its seed noise comes from AR_SEED (or is absent where the
/// benchmark says it is deterministic).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RealBenchmarkTests
{
    private static BenchmarkSpec Load(string name) => BenchmarkLoader.Load(Path.Combine(RepoPaths.Root, "bench", "real", "benchmarks", name));

    private static async Task<SandboxResult> RunAsync(BenchmarkSpec spec, AutoResearch.Abstractions.Parameters.ParameterSet parameters, int seed)
    {
        using var runner = Sandboxes.Create();
        return await runner.RunAsync(new SandboxRequest
        {
            CampaignId = "e2e-real-benchmarks",
            ExperimentId = $"{spec.Name}-{Guid.NewGuid():N}"[..24],
            Benchmark = spec,
            Parameters = parameters,
            Seed = seed,
        }, null, null, CancellationToken.None);
    }

    [Fact]
    public void The_suite_has_six_benchmarks_covering_every_parameter_type_and_log_scales()
    {
        var specs = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "bench", "real", "benchmarks")).Select(BenchmarkLoader.Load).ToList();

        Assert.True(specs.Count >= 6, $"{specs.Count} benchmarks");
        var parameters = specs.SelectMany(s => s.Parameters).ToList();
        Assert.Contains(parameters, p => p.Type == ParameterType.Int);
        Assert.Contains(parameters, p => p.Type == ParameterType.Int && p.Log);
        Assert.Contains(parameters, p => p.Type == ParameterType.Float && p.Log);
        Assert.Contains(parameters, p => p.Type == ParameterType.Choice);
        Assert.All(specs, s => Assert.Equal("autoresearch/sklearn:latest", s.Image));
    }

    [Theory]
    [InlineData("svm-digits", "val_error", 0.6, 0.8)]
    [InlineData("sgd-cancer", "cv_error", 0.08, 0.3)]
    [InlineData("knn-digits", "val_error", 0.12, 0.3)]
    [InlineData("forest-cancer", "cv_logloss", 0.08, 0.35)]
    [InlineData("mlp-wine", "val_loss", 0.9, 1.6)]
    [InlineData("gbr-diabetes", "cv_rmse", 55.0, 75.0)]
    public async Task Real_benchmark_runs_at_its_defaults_and_reports_its_objective(string name, string metric, double low, double high)
    {
        var spec = Load(name);
        Assert.Equal(metric, spec.Metric.Name);

        var result = await RunAsync(spec, spec.Defaults(), seed: 1_013_003_041); // a campaign-sized AR_SEED

        Assert.True(result.Status == ExperimentStatus.Succeeded, $"{name}: {result.Failure}: {result.Reason}\n{result.LogTail}");
        Assert.InRange(result.Objective!.Value, low, high);
    }

    [Theory]
    [InlineData("sgd-cancer", "loss=squared_error,learning_rate=constant,eta0=0.01,scaling=none", "SGD diverged")]
    [InlineData("knn-digits", "metric=minkowski,p=0.7", "p must be greater")]
    [InlineData("mlp-wine", "optimizer=sgd,lr=5,momentum=0.9,hidden=32,epochs=50,batch_size=16,activation=relu", "diverged")]
    public async Task Real_benchmark_fails_in_its_failing_region(string name, string overrides, string because)
    {
        var spec = Load(name);
        var parameters = spec.Defaults();
        foreach (var pair in overrides.Split(','))
        {
            var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
            Assert.True(parameters.ContainsKey(key), $"{name} has no parameter {key}");
            parameters = parameters.With(key, AutoResearch.Abstractions.Parameters.ParameterValue.FromStored(value));
        }

        var result = await RunAsync(spec, parameters, seed: 1);

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.Crash, result.Failure);
        Assert.Contains(because, $"{result.Reason}\n{result.LogTail}", StringComparison.Ordinal); // the reason carries stderr's tail
    }

    [Theory]
    [InlineData("forest-cancer", true)]
    [InlineData("mlp-wine", true)]
    [InlineData("svm-digits", false)]
    public async Task Seed_noise_comes_from_AR_SEED_where_the_benchmark_has_randomness(string name, bool noisy)
    {
        var spec = Load(name);

        var first = await RunAsync(spec, spec.Defaults(), seed: 1);
        var second = await RunAsync(spec, spec.Defaults(), seed: 2);
        var again = await RunAsync(spec, spec.Defaults(), seed: 1);

        Assert.True(first.Status == ExperimentStatus.Succeeded && second.Status == ExperimentStatus.Succeeded, $"{first.Reason} {second.Reason}");
        Assert.Equal(first.Objective, again.Objective);
        Assert.Equal(noisy, first.Objective != second.Objective);
    }
}
