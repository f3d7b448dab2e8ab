using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// Every resource the runner bounds, against real containers: the time limit under an output flood and a fork bomb (and over
/// copy-out), the work directory's size, artifact files per run and per campaign, artifact names.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class SandboxBoundsTests : IDisposable
{
    /// <summary>How far past the time limit a run may end (the issue's bar): killed and its exit confirmed by the daemon.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A fork bomb's 128 processes take the kernel longer to tear down, and the daemon's kill answers only once all are gone (the
    /// runner lifts the CPU cap at the kill for that). The kill itself must go out within <see cref="Slack"/>; the teardown took
    /// 0.2-1.1 s on a 2-core machine at load average 45-95, once 8.4 s at load 94 (4-12 s with the cap kept, ~14 s before this
    /// work). The processes are also checked gone from the host's /proc.
    /// </summary>
    private static readonly TimeSpan ForkBombSlack = TimeSpan.FromSeconds(10);

    /// <summary>Until the result is back: the kill, plus removal of the container, keeper and volume.</summary>
    private static readonly TimeSpan ReturnSlack = TimeSpan.FromSeconds(3);

    private readonly ITestOutputHelper _output;
    private readonly DockerClient _client;
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<string> _folders = [];

    public SandboxBoundsTests(ITestOutputHelper output)
    {
        _output = output;
        _client = DockerTestEnvironment.CreateClient();
    }

    public void Dispose()
    {
        foreach (var item in _cleanup)
        {
            item.Dispose();
        }

        _client.Dispose();
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [DockerFact]
    public async Task A_million_line_output_flood_ends_within_a_second_of_the_time_limit_and_stays_small()
    {
        // A million lines as fast as Python writes them, then more forever: the output never stops on its own.
        const string script = """
            import sys
            block = "".join(f"flood line {i:07d} " + "x" * 40 + "\n" for i in range(1000))
            for _ in range(1000):
                sys.stdout.write(block)
            print("MILLION-LINES-WRITTEN", flush=True)
            while True:
                sys.stdout.write(block)
            """;
        using var bench = new TestBenchmark(("flood.py", script));
        var limit = TimeSpan.FromSeconds(4);
        var spec = bench.Spec(["python3", "flood.py"], timeLimit: limit);
        var runner = CreateRunner();
        TimeSpan? killSent = null;
        runner.DeadlineKillSent += (_, late) => killSent = late;
        var (result, returnedAt) = await TimedRunAsync(runner, bench.Request(spec));

        Assert.Equal(FailureKind.Timeout, result.Failure);
        Assert.NotNull(killSent);
        Assert.True(killSent < Slack, $"the kill went out {killSent} after the deadline");
        var overLimit = (result.EndedAt - result.StartedAt) - limit;
        var overall = (returnedAt - result.StartedAt) - limit;
        _output.WriteLine($"MEASURE flood: kill sent {killSent!.Value.TotalSeconds:0.000} s after the deadline; killed {overLimit.TotalSeconds:0.000} s past the limit; result back {overall.TotalSeconds:0.000} s past it (removal included); {Load()}");
        Assert.True(overLimit < Slack, $"the flood ran {overLimit.TotalSeconds:0.000} s past its limit");
        Assert.True(overall < ReturnSlack, $"the result came {overall.TotalSeconds:0.000} s after the limit");

        var rowBytes = StoredBytes(result);
        _output.WriteLine($"MEASURE flood: stored result {rowBytes} bytes (log head {result.LogHead.Length}, tail {result.LogTail.Length} chars, {result.Metrics.Count} points)");
        Assert.InRange(rowBytes, 1, 200_000);
        Assert.StartsWith("flood line 0000000", result.LogHead);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
        await AssertNoVolumesAsync(bench.CampaignId);
    }

    [DockerFact]
    public async Task A_fork_bomb_is_killed_within_a_second_of_the_time_limit_and_none_of_its_processes_outlive_the_run()
    {
        // Every process carries a unique marker in its command line, so the host's /proc shows whether any survive.
        var marker = "bomb" + Guid.NewGuid().ToString("N")[..12];
        const string script = """
            import os, sys
            print("forking", flush=True)
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """;
        using var bench = new TestBenchmark(($"{marker}.py", script));
        // Long enough for Python to start and multiply on a busy machine.
        var limit = TimeSpan.FromSeconds(6);
        var spec = bench.Spec(["python3", $"{marker}.py"], timeLimit: limit,
            resources: new ResourceSpec { Cpus = 1, MemoryMb = 512, Pids = 128, TmpfsMb = 16, DiskMb = 64 });
        var seenRunning = 0;
        var runner = CreateRunner();
        TimeSpan? killSent = null;
        runner.DeadlineKillSent += (_, late) => killSent = late;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var runTask = runner.RunAsync(bench.Request(spec), null, null, CancellationToken.None);
        while (!runTask.IsCompleted && !timeout.IsCancellationRequested)
        {
            seenRunning = Math.Max(seenRunning, MarkedProcesses(marker));
            await Task.Delay(200);
        }

        Assert.True(runTask.IsCompleted, "the fork bomb's run did not end within 2 minutes");
        var result = await runTask;
        var returnedAt = DateTimeOffset.UtcNow;
        Log(result);

        var left = MarkedProcesses(marker);
        var gone = Stopwatch.StartNew();
        while (left > 0 && gone.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
            left = MarkedProcesses(marker);
        }

        _output.WriteLine($"MEASURE fork bomb: up to {seenRunning} processes seen; {left} left after the run returned (+{gone.Elapsed.TotalSeconds:0.00} s)");
        // On a crushed host the bomb gets a sliver of its CPU and multiplies slowly (9-97 processes seen here at load 50-95).
        Assert.True(seenRunning >= 3, $"the fork bomb never multiplied ({seenRunning} processes seen): the test proves nothing");
        Assert.Equal(0, left);

        Assert.Equal(FailureKind.Timeout, result.Failure);
        Assert.NotNull(killSent);
        Assert.True(killSent < Slack, $"the kill went out {killSent} after the deadline");
        var overLimit = (result.EndedAt - result.StartedAt) - limit;
        var overall = (returnedAt - result.StartedAt) - limit;
        _output.WriteLine($"MEASURE fork bomb: kill sent {killSent!.Value.TotalSeconds:0.000} s after the deadline; killed (all processes gone) {overLimit.TotalSeconds:0.000} s past the limit; result back {overall.TotalSeconds:0.000} s past it (removal included); {Load()}");
        Assert.True(overLimit < ForkBombSlack, $"the fork bomb ran {overLimit.TotalSeconds:0.000} s past its limit");
        Assert.True(overall < ForkBombSlack + ReturnSlack, $"the result came {overall.TotalSeconds:0.000} s after the limit");
        _output.WriteLine($"MEASURE fork bomb: stored result {StoredBytes(result)} bytes");
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Writing_past_resources_disk_fails_inside_the_run_with_no_space_left()
    {
        const string script = """
            import errno, os
            written = 0
            code = 0
            chunk = b"z" * (1024 * 1024)
            try:
                with open("/work/big.bin", "wb") as f:
                    for _ in range(64):
                        f.write(chunk)
                        f.flush()
                        written += len(chunk)
            except OSError as e:
                code = e.errno
            st = os.statvfs("/work")
            print(f"METRIC loss=0 enospc={int(code == errno.ENOSPC)} written_mb={written / 1048576} size_mb={st.f_blocks * st.f_frsize / 1048576}")
            """;
        using var bench = new TestBenchmark(("fill.py", script));
        var spec = bench.Spec(["python3", "fill.py"], resources: new ResourceSpec { Cpus = 1, MemoryMb = 256, Pids = 64, TmpfsMb = 8, DiskMb = 16 });
        var (result, _) = await TimedRunAsync(CreateRunner(), bench.Request(spec));

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(1, Value(result, "enospc"));
        Assert.InRange(Value(result, "written_mb"), 1, 16);
        Assert.Equal(16, Value(result, "size_mb"));
        await AssertNoVolumesAsync(bench.CampaignId);
    }

    [DockerFact]
    public async Task A_hundred_thousand_small_artifacts_are_capped_per_run_and_the_truncation_is_recorded()
    {
        using var bench = new TestBenchmark(("many.py", ManyFilesScript));
        var artifacts = ArtifactsFolder();
        var request = ManyFilesRequest(bench, ["python3", "many.py"], TimeSpan.FromSeconds(300), artifacts);
        var (result, _) = await TimedRunAsync(CreateRunner(o => o.MaxArtifactFiles = 5000), request);

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.True(result.ArtifactsTruncated);
        var copied = Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories).Count();
        _output.WriteLine($"MEASURE artifacts: {copied} of 100000 files copied; {result.Notes.Count} notes; stored result {StoredBytes(result)} bytes");
        Assert.Equal(5000, copied);
        Assert.Contains(result.Notes, n => n.StartsWith("artifacts truncated: the per-run limit of 5000 artifact files was reached", StringComparison.Ordinal)
            && n.Contains("95000 files skipped", StringComparison.Ordinal));
        Assert.InRange(result.Notes.Count, 1, 25);
        Assert.InRange(StoredBytes(result), 1, 100_000);
    }

    [DockerFact]
    public async Task Copy_out_of_many_files_after_the_time_limit_ends_within_a_second_of_it()
    {
        // The run fills out/ with up to 100k files and never ends: it is killed at the limit and its copy-out gets only the grace.
        using var bench = new TestBenchmark(("stuck.py", ManyFilesScript));
        var artifacts = ArtifactsFolder();
        var limit = TimeSpan.FromSeconds(25);
        var request = ManyFilesRequest(bench, ["python3", "stuck.py", "stuck"], limit, artifacts);
        var (result, returnedAt) = await TimedRunAsync(CreateRunner(o => o.MaxArtifactFiles = 1_000_000), request);

        Assert.Equal(FailureKind.Timeout, result.Failure);
        var written = (result.LogHead + result.LogTail).Split('\n').Where(l => l.StartsWith("WROTE ", StringComparison.Ordinal)).Select(l => int.Parse(l[6..])).DefaultIfEmpty(0).Max();
        Assert.True(written >= 10_000, $"only {written} files were written before the limit: the test proves little");
        var copied = Directory.Exists(artifacts) ? Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories).Count() : 0;
        var overLimit = (result.EndedAt - result.StartedAt) - limit;
        var overall = (returnedAt - result.StartedAt) - limit;
        _output.WriteLine($"MEASURE copy-out after the limit: {copied} of {written} files copied; killed {overLimit.TotalSeconds:0.000} s and result back {overall.TotalSeconds:0.000} s past the limit (removal included); {Load()}");
        Assert.True(overLimit < Slack, $"the run ran {overLimit.TotalSeconds:0.000} s past its limit");
        Assert.True(overall < ReturnSlack, $"the result came {overall.TotalSeconds:0.000} s after the limit");
        Assert.True(result.ArtifactsTruncated);
        Assert.Contains(result.Notes, n => n.StartsWith("artifacts truncated: the copy ran out of time", StringComparison.Ordinal));
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
        await AssertNoVolumesAsync(bench.CampaignId);
    }

    [DockerFact]
    public async Task A_campaign_stops_getting_artifacts_at_its_cap_across_runs()
    {
        const string script = """
            import os
            out = os.environ["AR_OUTPUT_DIR"]
            for i in range(30):
                with open(f"{out}/f{i:02d}.txt", "w") as f:
                    f.write("x" * 10)
            print("METRIC loss=1")
            """;
        using var bench = new TestBenchmark(("some.py", script));
        var runner = CreateRunner(o => o.MaxCampaignArtifactFiles = 50);
        var first = ArtifactsFolder();
        var second = ArtifactsFolder();
        var spec = bench.Spec(["python3", "some.py"]);
        var (one, _) = await TimedRunAsync(runner, bench.Request(spec, experimentId: "exp-1") with { ArtifactsDirectory = first });
        var (two, _) = await TimedRunAsync(runner, bench.Request(spec, experimentId: "exp-2") with { ArtifactsDirectory = second });

        Assert.False(one.ArtifactsTruncated);
        Assert.Equal(30, Directory.GetFiles(first).Length);
        Assert.True(two.ArtifactsTruncated);
        Assert.Equal(20, Directory.GetFiles(second).Length);
        Assert.Contains(two.Notes, n => n.StartsWith("artifacts truncated: the campaign's limit of 50 artifact files was reached", StringComparison.Ordinal));
    }

    [DockerFact]
    public async Task Artifact_names_with_newlines_and_terminal_escapes_are_sanitized_on_the_host()
    {
        const string script = """
            import os
            out = os.environ["AR_OUTPUT_DIR"]
            for name in ["evil\nname.txt", "red\x1b[31mtext\x1b[0m.txt", "rtl\u202eexe.txt", "plain.txt"]:
                with open(os.path.join(out, name), "w") as f:
                    f.write("x")
            print("METRIC loss=1")
            """;
        using var bench = new TestBenchmark(("names.py", script));
        var artifacts = ArtifactsFolder();
        var (result, _) = await TimedRunAsync(CreateRunner(), bench.Request(bench.Spec(["python3", "names.py"])) with { ArtifactsDirectory = artifacts });

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.False(result.ArtifactsTruncated);
        var names = Directory.GetFiles(artifacts).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["evil_name.txt", "plain.txt", "red_[31mtext_[0m.txt", "rtl_exe.txt"], names);
        Assert.All(names, n => Assert.DoesNotContain(n!, c => char.IsControl(c)));
    }

    /// <summary>
    /// Writes 100 folders of 1000 tiny files to out/ and reports loss=1; with the argument <c>stuck</c> it says how many it
    /// wrote after every 10 000 and then never ends.
    /// </summary>
    private const string ManyFilesScript = """
        import os, sys, time
        stuck = sys.argv[1:] == ["stuck"]
        out = os.environ["AR_OUTPUT_DIR"]
        for d in range(100):
            os.makedirs(f"{out}/d{d:03d}")
            for i in range(1000):
                with open(f"{out}/d{d:03d}/f{i:04d}.txt", "w") as f:
                    f.write("tiny")
            if stuck and d % 10 == 9:
                print(f"WROTE {(d + 1) * 1000}", flush=True)
        if stuck:
            time.sleep(600)
        print("METRIC loss=1")
        """;

    /// <summary>A run of <see cref="ManyFilesScript"/> under <paramref name="limit"/>, with room for its files, copying its artifacts to <paramref name="artifacts"/>.</summary>
    private static SandboxRequest ManyFilesRequest(TestBenchmark bench, List<string> command, TimeSpan limit, string artifacts)
    {
        var spec = bench.Spec(command, timeLimit: limit,
            resources: new ResourceSpec { Cpus = 1, MemoryMb = 1024, Pids = 64, TmpfsMb = 8, DiskMb = 768 });
        return bench.Request(spec) with { ArtifactsDirectory = artifacts };
    }

    private string ArtifactsFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ar-bounds-artifacts", Guid.NewGuid().ToString("N"));
        _folders.Add(folder);
        return folder;
    }

    /// <summary>Runs the request (failing after 7 minutes); also says when the result came back.</summary>
    private async Task<(SandboxResult Result, DateTimeOffset ReturnedAt)> TimedRunAsync(DockerSandboxRunner runner, SandboxRequest request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(7));
        var run = runner.RunAsync(request, null, null, CancellationToken.None);
        SandboxResult result;
        try
        {
            result = await run.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the run of {request.ExperimentId} did not end within 7 minutes");
        }

        var returnedAt = DateTimeOffset.UtcNow;
        Log(result);
        return (result, returnedAt);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? "load average " + File.ReadAllText("/proc/loadavg").Trim() : "";

    /// <summary>The bytes the result would take as a ledger row's variable parts (JSON of the whole result).</summary>
    private static int StoredBytes(SandboxResult result) => JsonSerializer.SerializeToUtf8Bytes(result).Length;

    /// <summary>Processes on this (the Docker) host whose command line holds <paramref name="marker"/>.</summary>
    private static int MarkedProcesses(string marker)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                if (Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Contains(marker, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone while looking.
            }
        }

        return count;
    }

    private async Task AssertNoVolumesAsync(string campaignId)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{AutoResearch.Abstractions.Names.CampaignLabel}={campaignId}"] = true },
        };
        var left = await _client.Volumes.ListAsync(new VolumesListParameters { Filters = filters });
        Assert.True((left.Volumes?.Count ?? 0) == 0, $"volumes left for campaign {campaignId}: {string.Join(", ", left.Volumes?.Select(v => v.Name) ?? [])}");
    }

    private static double Value(SandboxResult result, string name) => result.Metrics.Last(m => m.Name == name).Value;

    private void Log(SandboxResult result)
    {
        _output.WriteLine($"status={result.Status} failure={result.Failure} exit={result.ExitCode} elapsed={result.EndedAt - result.StartedAt} truncated={result.ArtifactsTruncated}");
        _output.WriteLine($"reason={Shorten(result.Reason ?? "")}");
        _output.WriteLine($"notes={string.Join(" | ", result.Notes)}");
    }

    private static string Shorten(string text) => text.Length <= 1000 ? text : text[..500] + " ... " + text[^500..];

    private DockerSandboxRunner CreateRunner(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { Owner = "test-owner-" + Guid.NewGuid().ToString("N")[..8], DockerEndpoint = DockerTestEnvironment.Endpoint };
        configure?.Invoke(options);
        var runner = new DockerSandboxRunner(Options.Create(options), new TestOutputLogger<DockerSandboxRunner>(_output));
        _cleanup.Add(runner);
        return runner;
    }
}
