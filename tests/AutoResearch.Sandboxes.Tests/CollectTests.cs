using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// A run whose silo died after starting it goes on alone and ends. A survivor's reaper keeps a run that exited 0 for a while,
/// and the survivor collects its outcome from its work volume (result.json here; the trusted scorer where the benchmark has
/// one) instead of running it again; a run without a complete outcome is not collected. Either way nothing is left behind.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class CollectTests(ITestOutputHelper output)
{
    private const string ResultFile = "printf '{\"metrics\": {\"loss\": 0.25}}' > result.json";

    [DockerFact]
    public async Task A_run_that_ended_after_its_silo_died_is_kept_by_the_reaper_then_collected_from_its_result_file()
    {
        var (suffix, dead, survivor) = Silos();
        using var _ = survivor;
        using var client = DockerTestEnvironment.CreateClient();
        using var bench = new TestBenchmark();
        var request = bench.Request(bench.Spec(["sh", "-c", "echo METRIC loss=0.5; " + ResultFile]), experimentId: "exp-collect-" + suffix);
        var container = await StartUnwatchedAsync(client, request, dead);

        var (removed, kept) = await survivor.ReapSiloAsync(dead.Silo!, TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal((0, 1), (removed.Count, kept));
        Assert.Equal("exited", (await client.Containers.InspectContainerAsync(container)).State.Status);

        var result = await survivor.CollectAsync(request, container, CancellationToken.None);
        Assert.NotNull(result);
        output.WriteLine($"{result.Status} {result.Objective} {string.Join("; ", result.Notes)}");
        Assert.Equal((ExperimentStatus.Succeeded, 0.25, container, 0L), (result.Status, result.Objective, result.ContainerId, result.ExitCode));
        Assert.True(result.EndedAt >= result.StartedAt && result.EndedAt - result.StartedAt < TimeSpan.FromSeconds(30));
        Assert.Contains(result.Notes, n => n.Contains("collected after the silo that ran it died", StringComparison.Ordinal));
        await AssertNothingLeftAsync(client, dead.Silo!);
        Assert.Null(await survivor.CollectAsync(request, container, CancellationToken.None)); // gone: nothing more to collect
    }

    [DockerFact]
    public async Task A_collected_run_of_a_benchmark_with_a_trusted_scorer_is_scored_never_taken_at_its_word()
    {
        var (suffix, dead, survivor) = Silos();
        using var _ = survivor;
        using var client = DockerTestEnvironment.CreateClient();
        using var bench = new TestBenchmark(("score.sh", "echo \"METRIC loss=$(cat \"$AR_ARTIFACT_DIR/value\")\"\n"));
        // The run claims 0.01 in result.json and on stdout; what it left in out/ scores 0.75.
        var spec = bench.Spec(["sh", "-c", "mkdir -p \"$AR_OUTPUT_DIR\" && echo 0.75 > \"$AR_OUTPUT_DIR/value\" && echo METRIC loss=0.01 && " +
                                           "printf '{\"metrics\": {\"loss\": 0.01}}' > result.json"]) with
        {
            Scorer = new ScorerSpec { Command = ["sh", "score.sh"], Files = ["score.sh"], TimeLimit = TimeSpan.FromSeconds(60) },
        };
        var request = bench.Request(spec, experimentId: "exp-scored-" + suffix);
        var container = await StartUnwatchedAsync(client, request, dead);

        var result = await survivor.CollectAsync(request, container, CancellationToken.None);
        Assert.NotNull(result);
        output.WriteLine($"{result.Status} {result.Failure} {result.Objective} {result.Reason}");
        Assert.Equal((ExperimentStatus.Succeeded, 0.75, container), (result.Status, result.Objective, result.ContainerId));
        await AssertNothingLeftAsync(client, dead.Silo!);
        await DockerAssertions.AssertNoContainersAsync(client, bench.CampaignId); // the scorer's sandbox went too
    }

    [DockerTheory]
    [InlineData("echo METRIC loss=0.5", 1)] // its objective only on stdout, which is not kept: the reaper keeps it, nobody can collect it
    [InlineData(ResultFile + "; exit 3", 0)] // failed: the reaper removes it at once
    public async Task A_run_without_a_complete_outcome_is_not_collected_and_nothing_is_left(string script, int keptByReaper)
    {
        var (suffix, dead, survivor) = Silos();
        using var _ = survivor;
        using var client = DockerTestEnvironment.CreateClient();
        using var bench = new TestBenchmark();
        var request = bench.Request(bench.Spec(["sh", "-c", script]), experimentId: "exp-nocollect-" + suffix);
        var container = await StartUnwatchedAsync(client, request, dead);

        var (removed, kept) = await survivor.ReapSiloAsync(dead.Silo!, TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal(keptByReaper, kept);
        Assert.Equal(keptByReaper == 0 ? [request.ExperimentId] : [], removed);
        Assert.Null(await survivor.CollectAsync(request, container, CancellationToken.None));
        await AssertNothingLeftAsync(client, dead.Silo!);
    }

    [DockerFact]
    public async Task A_container_of_another_experiment_is_neither_collected_nor_touched()
    {
        var (suffix, dead, survivor) = Silos();
        using var _ = survivor;
        using var client = DockerTestEnvironment.CreateClient();
        using var bench = new TestBenchmark();
        var spec = bench.Spec(["sh", "-c", ResultFile]);
        var container = await StartUnwatchedAsync(client, bench.Request(spec, experimentId: "exp-a-" + suffix), dead);
        try
        {
            Assert.Null(await survivor.CollectAsync(bench.Request(spec, experimentId: "exp-b-" + suffix), container, CancellationToken.None));
            Assert.Equal("exited", (await client.Containers.InspectContainerAsync(container)).State.Status);
        }
        finally
        {
            await survivor.ReapSiloAsync(dead.Silo!, CancellationToken.None);
        }
        await AssertNothingLeftAsync(client, dead.Silo!);
    }

    private (string Suffix, SandboxOptions Dead, DockerSandboxRunner Survivor) Silos()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var dead = new SandboxOptions { Owner = "test-collect-dead-" + suffix, Silo = $"10.9.8.9:11111@{suffix}", DockerEndpoint = DockerTestEnvironment.Endpoint };
        var survivor = new DockerSandboxRunner(
            Options.Create(new SandboxOptions { Owner = "test-collect-alive-" + suffix, Silo = $"10.9.8.7:11111@{suffix}", DockerEndpoint = DockerTestEnvironment.Endpoint }),
            new TestOutputLogger<DockerSandboxRunner>(output));
        return (suffix, dead, survivor);
    }

    /// <summary>
    /// What a silo killed just after starting a run leaves behind: the run's container, started as the runner starts it (work
    /// volume, keeper, workspace copied in) and then watched by nobody, here waited for until it exits.
    /// </summary>
    private static async Task<string> StartUnwatchedAsync(Docker.DotNet.IDockerClient client, SandboxRequest request, SandboxOptions options)
    {
        var name = ContainerParametersBuilder.ContainerName(request);
        var create = ContainerParametersBuilder.Build(request, options, name, WorkVolume.NameFor(name));
        var (uid, gid) = options.ParseUser();
        var volume = await WorkVolume.CreateAsync(client, request, options, uid, gid, name, CancellationToken.None);
        var id = (await client.Containers.CreateContainerAsync(create)).ID;
        await volume.Started;
        using var workspace = new MemoryStream();
        WorkspaceArchive.Write(workspace, request, ParameterEncoding.ToJsonUtf8(request.Benchmark.RunParameters(), request.Parameters), uid, gid);
        workspace.Position = 0;
        await client.Containers.ExtractArchiveToContainerAsync(id, new ContainerPathStatParameters { Path = create.WorkingDir, AllowOverwriteDirWithFile = false }, workspace);
        await client.Containers.StartContainerAsync(id, new ContainerStartParameters());
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.Containers.WaitContainerAsync(id, limit.Token);
        return id;
    }

    private static async Task AssertNothingLeftAsync(Docker.DotNet.IDockerClient client, string silo)
    {
        Assert.Empty(await DockerAssertions.ContainersWithLabelAsync(client, Names.SiloLabel, silo));
        var volumes = await client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Names.SiloLabel}={silo}"] = true } },
        });
        Assert.Empty(volumes.Volumes ?? []);
    }
}
