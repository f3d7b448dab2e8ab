using AutoResearch.Harness;
using AutoResearch.Host.Operations;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>The file checks <c>run</c> and <c>validate</c> share, on the shipped benchmarks and on a script left out of <c>files</c>.</summary>
public sealed class BenchmarkPreflightTests
{
    [Theory]
    [InlineData("branin")]
    [InlineData("digits-mlp")]
    [InlineData("matmul-kernel")]
    [InlineData("tiny-lm")]
    public void Every_shipped_benchmark_passes_the_file_checks(string name)
    {
        var benchmark = BenchmarkLoader.Load(Path.Combine(RepoPaths.Root, "sandboxes", "benchmarks", name));
        Assert.Empty(BenchmarkPreflight.CheckFiles(benchmark));
    }

    [Fact]
    public void A_script_on_disk_but_not_in_files_is_named_with_its_field()
    {
        var benchmark = BenchmarkLoader.Load(RepoPaths.Fixture("noscript")) with { Command = ["python3", "helper.py", "./extra.sh", "--flag=x.py"] };
        File.WriteAllText(Path.Combine(benchmark.Directory, "extra.sh"), "#!/bin/sh\n");
        try
        {
            var error = Assert.Single(BenchmarkPreflight.CheckFiles(benchmark with { Files = ["helper.py"] }));
            Assert.Equal("command[2]", error.Field);
            Assert.Contains("script './extra.sh' is not in files", error.Message);
        }
        finally
        {
            File.Delete(Path.Combine(benchmark.Directory, "extra.sh"));
        }
    }
}
