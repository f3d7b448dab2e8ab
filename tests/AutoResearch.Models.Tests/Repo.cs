using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;

namespace AutoResearch.Models.Tests;

/// <summary>The repository's benchmarks, found from the test's folder.</summary>
internal static class Repo
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static BenchmarkSpec Benchmark(string name) => BenchmarkLoader.Load(Path.Combine(Root, "sandboxes", "benchmarks", name));
}
