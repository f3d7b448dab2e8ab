using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Docker.DotNet;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// What the <c>matmul-kernel</c> test classes share: a runner with its own owner label, and running the benchmark (or a
/// variant of its spec) with an edit of <c>kernel.c</c> in the real image.
/// </summary>
public abstract class MatmulKernelTestBase : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly DockerSandboxRunner _runner;

    private protected MatmulKernelTestBase(ITestOutputHelper output)
    {
        _output = output;
        var options = new SandboxOptions { Owner = "test-owner-" + Guid.NewGuid().ToString("N")[..8], DockerEndpoint = DockerTestEnvironment.Endpoint };
        _runner = new DockerSandboxRunner(Options.Create(options), new TestOutputLogger<DockerSandboxRunner>(output));
    }

    public void Dispose()
    {
        _runner.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs the benchmark with <paramref name="edits"/> as kernel.c (null: the baseline kernel).</summary>
    private protected Task<SandboxResult> RunAsync(string? edits, Dictionary<string, string>? parameters = null) =>
        RunAsync(MatmulKernelBenchmarkTests.Spec(), edits, parameters);

    /// <summary>Runs <paramref name="spec"/> (the benchmark or a variant of it) with <paramref name="edits"/> as kernel.c.</summary>
    private protected async Task<SandboxResult> RunAsync(BenchmarkSpec spec, string? edits, Dictionary<string, string>? parameters = null)
    {
        await EnsureImageAsync();
        var values = spec.Defaults();
        foreach (var (name, value) in parameters ?? [])
        {
            values = values.With(name, AutoResearch.Abstractions.Parameters.ParameterValue.FromStored(value));
        }

        var request = new SandboxRequest
        {
            CampaignId = "test-matmul-" + Guid.NewGuid().ToString("N")[..8],
            ExperimentId = "exp-" + Guid.NewGuid().ToString("N")[..8],
            Benchmark = spec,
            Parameters = values,
            EditedFiles = edits is null ? [] : new Dictionary<string, string> { ["kernel.c"] = edits },
            Seed = 1,
        };
        Assert.Null(ProposalValidator.Validate(spec, new Proposal { Parameters = values, EditedFiles = request.EditedFiles, ProposerName = "test" }));

        var result = await _runner.RunAsync(request, null, null, CancellationToken.None);
        _output.WriteLine($"status={result.Status} failure={result.Failure} exit={result.ExitCode} gflops={result.Objective} elapsed={result.EndedAt - result.StartedAt}");
        _output.WriteLine($"reason={result.Reason}");
        _output.WriteLine($"head={result.LogHead}");
        _output.WriteLine($"tail={result.LogTail}");
        return result;
    }

    private static async Task EnsureImageAsync()
    {
        using var client = DockerTestEnvironment.CreateClient();
        try
        {
            await client.Images.InspectImageAsync(MatmulKernelBenchmarkTests.Image);
        }
        catch (DockerApiException)
        {
            Assert.Fail($"image {MatmulKernelBenchmarkTests.Image} is not on the Docker host: build it with `bash scripts/images.sh cc`");
        }
    }
}
