using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>A throwaway benchmark folder on the host plus request builders for it.</summary>
internal sealed class TestBenchmark : IDisposable
{
    public TestBenchmark(params (string Path, string Content)[] files)
    {
        Directory = Path.Combine(Path.GetTempPath(), "ar-sandbox-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(Directory, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Files = files.Select(f => f.Path).ToList();
    }

    public string Directory { get; }

    public List<string> Files { get; }

    /// <summary>A unique campaign id per test, so leftovers can be found by label.</summary>
    public string CampaignId { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    public BenchmarkSpec Spec(
        List<string> command,
        string metric = "loss",
        TimeSpan? timeLimit = null,
        ResourceSpec? resources = null,
        List<ParameterSpec>? parameters = null,
        string? image = null) =>
        new()
        {
            Name = "test-bench",
            Directory = Directory,
            Image = image ?? DockerTestEnvironment.Image,
            Command = command,
            Files = Files,
            Parameters = parameters ?? [],
            Metric = new MetricSpec { Name = metric, Direction = Direction.Minimize },
            TimeLimit = timeLimit ?? TimeSpan.FromSeconds(60),
            Resources = resources ?? new ResourceSpec { Cpus = 1, MemoryMb = 256, Pids = 128, TmpfsMb = 64 },
        };

    public SandboxRequest Request(BenchmarkSpec spec, Dictionary<string, string>? parameters = null, string experimentId = "exp-1") =>
        new()
        {
            CampaignId = CampaignId,
            ExperimentId = experimentId,
            Benchmark = spec,
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(parameters) ?? [],
            Seed = 42,
        };

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
