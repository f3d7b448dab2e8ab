using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Docker.DotNet;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>Runs real containers against the local Docker daemon.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerSandboxRunnerTests : IDisposable
{
    private const string TrainScript = """
        import json, os, sys
        import helper
        with open(os.environ["AR_PARAMS_FILE"]) as f:
            p = json.load(f)
        assert isinstance(p["lr"], float), p
        assert isinstance(p["layers"], int) and not isinstance(p["layers"], bool), p
        assert isinstance(p["act"], str), p
        print("params", json.dumps(p))
        for step in range(3):
            print(f"METRIC loss={1.0 / (step + 1)} acc={0.5 + 0.1 * step} step={step}", flush=True)
        print("  METRIC\tloss = 0.25   step=3", file=sys.stderr, flush=True)
        print("METRIC loss=oops")
        out = os.environ["AR_OUTPUT_DIR"]
        os.makedirs(out + "/sub", exist_ok=True)
        with open(out + "/model.txt", "w") as f:
            f.write("weights")
        with open(out + "/sub/env.json", "w") as f:
            json.dump({k: v for k, v in os.environ.items() if k.startswith("AR_")}, f)
        with open(out + "/params_seen.json", "w") as f:
            json.dump(p, f)
        with open(out + "/helper.txt", "w") as f:
            f.write(helper.VALUE)
        with open("data/written.txt", "w") as f:
            f.write("nested folders are writable")
        with open("result.json", "w") as f:
            json.dump({"metrics": {"loss": 0.125, "extra": 7}}, f)
        """;

    private readonly ITestOutputHelper _output;
    private readonly DockerSandboxRunner _runner;
    private readonly DockerClient _client;
    private readonly List<IDisposable> _cleanup = [];

    public DockerSandboxRunnerTests(ITestOutputHelper output)
    {
        _output = output;
        _runner = CreateRunner("test-owner-" + Guid.NewGuid().ToString("N")[..8]);
        _client = DockerTestEnvironment.CreateClient();
    }

    public void Dispose()
    {
        foreach (var item in _cleanup)
        {
            item.Dispose();
        }

        _client.Dispose();
    }

    [DockerFact]
    public async Task Successful_run_streams_metrics_passes_parameters_and_copies_artifacts()
    {
        using var bench = Bench(("train.py", TrainScript), ("helper.py", "VALUE = 'original'\n"), ("data/readme.txt", "data"));
        var spec = bench.Spec(
            ["python3", "train.py"],
            parameters:
            [
                new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 1e-5, Max = 1, Log = true, Default = "0.01" },
                new ParameterSpec { Name = "layers", Type = ParameterType.Int, Min = 1, Max = 8, Default = "2" },
                new ParameterSpec { Name = "act", Type = ParameterType.Choice, Choices = ["relu", "tanh"], Default = "relu" },
            ]);
        var artifacts = Path.Combine(bench.Directory, "..", Guid.NewGuid().ToString("N") + "-artifacts");
        var request = bench.Request(spec, new Dictionary<string, string> { ["lr"] = "0.001", ["layers"] = "4" }) with
        {
            EditedFiles = new Dictionary<string, string> { ["helper.py"] = "VALUE = 'edited'\n" },
            ArtifactsDirectory = artifacts,
        };

        string? startedId = null;
        string? volumeName = null;
        var streamed = new List<MetricPoint>();
        var result = await _runner.RunAsync(
            request,
            async id =>
            {
                startedId = id;
                var inspect = await _client.Containers.InspectContainerAsync(id);
                volumeName = inspect.Mounts.Single(m => m.Destination == "/work").Name;
            },
            p =>
            {
                lock (streamed)
                {
                    streamed.Add(p);
                }
            },
            CancellationToken.None);
        Log(result);

        try
        {
            Assert.Equal(ExperimentStatus.Succeeded, result.Status);
            Assert.Equal(FailureKind.None, result.Failure);
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(0.125, result.Objective); // result.json wins over the stdout lines
            Assert.Equal(startedId, result.ContainerId);
            Assert.StartsWith("sha256:", result.ImageId);
            Assert.True(result.EndedAt >= result.StartedAt);

            // Only stdout counts (Docker copies the two streams separately, so their order is not deterministic): the stderr line is noted, not recorded.
            var losses = result.Metrics.Where(m => m.Name == "loss").ToList();
            Assert.Equal(4, losses.Count);
            Assert.Equal([(0L, 1.0), (1L, 0.5), (2L, 1.0 / 3)], losses.Take(3).Select(m => (m.Step!.Value, m.Value)));
            Assert.Equal(new MetricPoint { Name = "loss", Value = 0.125 }, losses[^1]);
            Assert.Contains("1 METRIC line(s) on stderr ignored: only stdout counts", result.Notes);
            Assert.Contains("result.json gives loss=0.125 but the last METRIC line on stdout gives 0.3333333333333333; result.json counts", result.Notes);
            Assert.Contains(result.Notes, n => n.Contains("loss=oops is not a finite number", StringComparison.Ordinal));
            Assert.Contains("[runner notes]", result.LogTail);
            Assert.Equal(3, result.Metrics.Count(m => m.Name == "acc" && m.Step is not null));
            Assert.Contains(result.Metrics, m => m is { Name: "extra", Value: 7, Step: null });
            Assert.Equal(result.Metrics.Count, streamed.Count);
            Assert.Contains("params", result.LogHead);

            Assert.Equal("weights", File.ReadAllText(Path.Combine(artifacts, "model.txt")));
            Assert.Equal("edited", File.ReadAllText(Path.Combine(artifacts, "helper.txt")));
            var env = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(artifacts, "sub", "env.json")))!;
            Assert.Equal("0.001", env["AR_PARAM_LR"]);
            Assert.Equal("4", env["AR_PARAM_LAYERS"]);
            Assert.Equal("relu", env["AR_PARAM_ACT"]);
            Assert.Equal("42", env["AR_SEED"]);
            Assert.Equal("/work/params.json", env["AR_PARAMS_FILE"]);
            Assert.Equal("/work/out", env["AR_OUTPUT_DIR"]);
            using var seen = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "params_seen.json")));
            Assert.Equal(JsonValueKind.Number, seen.RootElement.GetProperty("lr").ValueKind);
            Assert.Equal(0.001, seen.RootElement.GetProperty("lr").GetDouble());
            Assert.Equal(4, seen.RootElement.GetProperty("layers").GetInt32());
            Assert.Equal("relu", seen.RootElement.GetProperty("act").GetString());

            await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
            Assert.NotNull(volumeName);
            var gone = await Assert.ThrowsAnyAsync<DockerApiException>(() => _client.Volumes.InspectAsync(volumeName!));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }
    }

    [DockerFact]
    public async Task Non_zero_exit_is_a_crash_with_exit_code_and_output_tail()
    {
        using var bench = Bench(("crash.py", "import sys\nprint('METRIC loss=0.5')\nprint('working hard')\nprint('boom: it broke', file=sys.stderr)\nsys.exit(3)\n"));
        var result = await RunAsync(bench.Request(bench.Spec(["python3", "crash.py"])));

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.Crash, result.Failure);
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("exit code 3: ", result.Reason);
        Assert.Contains("boom: it broke", result.Reason);
        Assert.Contains("working hard", result.Reason);
        Assert.Null(result.Objective);
        Assert.Single(result.Metrics); // points seen before the crash are kept
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Silent_run_is_no_metric()
    {
        using var bench = Bench(("quiet.py", "print('hello, no metrics here')\n"));
        var result = await RunAsync(bench.Request(bench.Spec(["python3", "quiet.py"])));

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.NoMetric, result.Failure);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("'loss'", result.Reason);
        Assert.Contains("hello, no metrics here", result.Reason);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Unparsable_objective_is_no_metric_with_a_note()
    {
        using var bench = Bench(("bad.py", "print('METRIC loss=nan acc=0.9')\nprint('METRIC loss=abc')\n"));
        var result = await RunAsync(bench.Request(bench.Spec(["python3", "bad.py"])));

        Assert.Equal(FailureKind.NoMetric, result.Failure);
        Assert.Contains("loss=nan is not a finite number", result.Reason);
        Assert.Contains("loss=abc is not a finite number", result.Reason);
        Assert.Contains(result.Metrics, m => m.Name == "acc");
    }

    [DockerFact]
    public async Task Run_past_the_time_limit_is_killed_as_timeout()
    {
        using var bench = Bench();
        var spec = bench.Spec(["sh", "-c", "echo before-sleep; sleep 30"], timeLimit: TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();
        var result = await RunAsync(bench.Request(spec));
        watch.Stop();

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.Timeout, result.Failure);
        Assert.Contains("time limit", result.Reason);
        Assert.Contains("before-sleep", result.Reason);
        var elapsed = result.EndedAt - result.StartedAt;
        Assert.InRange(elapsed.TotalSeconds, 1.9, 10);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    private const string SlowCurve = """
        import time
        for step in range(1, 21):
            print(f"METRIC loss={1.0 / step} step={step}", flush=True)
            time.sleep(0.5)
        """;

    [DockerFact]
    public async Task The_early_stopping_rule_kills_a_hopeless_run_and_it_is_recorded_as_pruned()
    {
        using var bench = Bench(("curve.py", SlowCurve));
        var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
        var request = bench.Request(bench.Spec(["python3", "curve.py"])) with
        {
            EarlyStop = point =>
            {
                seen.Add(point.Step ?? -1);
                return point.Step == 3 ? "median rule: loss 0.333 at step 3 is worse than the median 0.1 of 3 earlier runs at step 3" : null;
            },
        };
        var watch = Stopwatch.StartNew();
        var result = await RunAsync(request);
        watch.Stop();

        Assert.Equal(ExperimentStatus.Pruned, result.Status);
        Assert.Equal(FailureKind.None, result.Failure);
        Assert.StartsWith("median rule: loss 0.333 at step 3", result.Reason);
        Assert.Equal(1.0 / 3, result.Objective!.Value, 6);
        Assert.Equal([1L, 2, 3], result.Metrics.Select(m => m.Step!.Value).Take(3));
        Assert.True(result.Metrics.Count <= 4, $"{result.Metrics.Count} points: the run went on after the stop");
        Assert.Equal([1L, 2, 3], seen.Order().Take(3));
        Assert.Contains("METRIC loss=0.3333333333333333 step=3", result.LogHead + result.LogTail, StringComparison.Ordinal);
        Assert.True(result.EndedAt > result.StartedAt);
        // Uninterrupted the script takes 10 s.
        Assert.True(result.EndedAt - result.StartedAt < TimeSpan.FromSeconds(5), $"ran {result.EndedAt - result.StartedAt}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task A_rule_that_never_fires_lets_the_run_finish_normally()
    {
        using var bench = Bench(("curve.py", SlowCurve.Replace("range(1, 21)", "range(1, 5)", StringComparison.Ordinal)));
        var calls = 0;
        var request = bench.Request(bench.Spec(["python3", "curve.py"])) with { EarlyStop = _ => { Interlocked.Increment(ref calls); return null; } };
        var result = await RunAsync(request);

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(0.25, result.Objective);
        Assert.Equal(4, calls);
    }

    [DockerFact]
    public async Task A_run_that_exits_before_the_stop_lands_keeps_its_own_outcome()
    {
        using var bench = Bench(("curve.py", "for step in range(1, 4):\n    print(f'METRIC loss={1.0 / step} step={step}', flush=True)\n"));
        // The rule takes its time over the last point: the process has exited before the reason comes back.
        var request = bench.Request(bench.Spec(["python3", "curve.py"])) with
        {
            EarlyStop = point =>
            {
                if (point.Step != 3) return null;
                Thread.Sleep(TimeSpan.FromSeconds(2));
                return "too late";
            },
        };
        var result = await RunAsync(request);

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(1.0 / 3, result.Objective!.Value, 6);
        Assert.Equal(0, result.ExitCode);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task A_failing_rule_is_ignored_and_result_file_points_never_reach_it()
    {
        const string script = """
            import json
            for step in range(1, 4):
                print(f"METRIC loss={1.0 / step} step={step}", flush=True)
            with open("result.json", "w") as f:
                json.dump({"metrics": {"loss": 0.125}}, f)
            """;
        using var bench = Bench(("curve.py", script));
        var calls = new System.Collections.Concurrent.ConcurrentQueue<MetricPoint>();
        var request = bench.Request(bench.Spec(["python3", "curve.py"])) with
        {
            EarlyStop = point =>
            {
                calls.Enqueue(point);
                return point.Step is null ? "a point without a step would stop the run" : throw new InvalidOperationException("broken rule");
            },
        };
        var result = await RunAsync(request);

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Null(result.Reason);
        Assert.Equal(0.125, result.Objective);
        // Asked about every printed point although it threw each time, and never about the result.json point.
        Assert.Equal([1L, 2, 3], calls.Select(p => p.Step ?? -1));
    }

    [DockerFact]
    public async Task Allocating_past_the_memory_limit_is_out_of_memory()
    {
        using var bench = Bench(("hog.py", "import numpy as np\nprint('allocating', flush=True)\na = np.ones(64 * 1024 * 1024)\nprint('METRIC loss=1')\n"));
        var spec = bench.Spec(["python3", "hog.py"], resources: new ResourceSpec { Cpus = 1, MemoryMb = 96, Pids = 64, TmpfsMb = 16 });
        var result = await RunAsync(bench.Request(spec));

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.OutOfMemory, result.Failure);
        Assert.Contains("96 MiB", result.Reason);
        Assert.Equal(137, result.ExitCode);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Sandbox_has_no_network()
    {
        const string script = """
            import os, socket
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=3).close()
                connect_failed = 0
            except OSError as e:
                connect_failed = 1
                print("connect failed:", e)
            try:
                socket.getaddrinfo("example.com", 80)
                resolve_failed = 0
            except OSError as e:
                resolve_failed = 1
                print("resolve failed:", e)
            ifaces = sorted(os.listdir("/sys/class/net"))
            print("interfaces:", ifaces)
            print(f"METRIC loss=0 connect_failed={connect_failed} resolve_failed={resolve_failed} interfaces={len(ifaces)} only_lo={int(ifaces == ['lo'])}")
            """;
        using var bench = Bench(("net.py", script));
        var result = await RunAsync(bench.Request(bench.Spec(["python3", "net.py"])));

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(1, Value(result, "connect_failed"));
        Assert.Equal(1, Value(result, "resolve_failed"));
        Assert.Equal(1, Value(result, "interfaces"));
        Assert.Equal(1, Value(result, "only_lo"));
    }

    [DockerFact]
    public async Task Sandbox_is_read_only_non_root_and_unprivileged()
    {
        const string script = """
            import os
            def writable(path):
                try:
                    with open(path, "w") as f:
                        f.write("x")
                    return 1
                except OSError:
                    return 0
            status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
            cap_eff = int(status["CapEff"].strip(), 16)
            no_new_privs = int(status["NoNewPrivs"].strip())
            def read_int(*paths):
                for p in paths:
                    try:
                        v = open(p).read().strip().split()[0]
                        return -1 if v == "max" else int(v)
                    except (OSError, ValueError):
                        pass
                return -2
            mem = read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max")
            pids = read_int("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max")
            print(f"METRIC loss=0 uid={os.getuid()} gid={os.getgid()} usr_writable={writable('/usr/evil')} etc_writable={writable('/etc/evil')} "
                  f"tmp_writable={writable('/tmp/ok')} work_writable={writable('/work/ok')} cap_eff={cap_eff} no_new_privs={no_new_privs} "
                  f"mem_limit={mem} pids_limit={pids}")
            """;
        using var bench = Bench(("sec.py", script));
        var spec = bench.Spec(["python3", "sec.py"], resources: new ResourceSpec { Cpus = 0.5, MemoryMb = 200, Pids = 50, TmpfsMb = 8 });
        var result = await RunAsync(bench.Request(spec));

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(1000, Value(result, "uid"));
        Assert.Equal(1000, Value(result, "gid"));
        Assert.Equal(0, Value(result, "usr_writable"));
        Assert.Equal(0, Value(result, "etc_writable"));
        Assert.Equal(1, Value(result, "tmp_writable"));
        Assert.Equal(1, Value(result, "work_writable"));
        Assert.Equal(0, Value(result, "cap_eff"));
        Assert.Equal(1, Value(result, "no_new_privs"));
        Assert.Equal(200 * 1024 * 1024, Value(result, "mem_limit"));
        Assert.Equal(50, Value(result, "pids_limit"));
    }

    [DockerFact]
    public async Task Huge_output_keeps_a_bounded_head_and_tail()
    {
        const string script = """
            import sys
            print("FIRST-LINE")
            line = "x" * 99 + "\n"
            sys.stdout.write(line * 100000)
            sys.stdout.write("y" * 1000000 + "\n")
            print("LAST-LINE")
            print("METRIC loss=1.5")
            """;
        using var bench = Bench(("loud.py", script));
        var runner = CreateRunner("test-owner-" + Guid.NewGuid().ToString("N")[..8], o => o.OutputCapBytes = 64 * 1024);
        var result = await runner.RunAsync(bench.Request(bench.Spec(["python3", "loud.py"])), null, null, CancellationToken.None);
        Log(result);

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(1.5, result.Objective);
        Assert.StartsWith("FIRST-LINE", result.LogHead);
        Assert.InRange(Encoding.UTF8.GetByteCount(result.LogHead), 60 * 1024, 64 * 1024);
        Assert.InRange(Encoding.UTF8.GetByteCount(result.LogTail), 1024, (64 * 1024) + 100);
        Assert.Contains("bytes of output omitted", result.LogTail);
        Assert.EndsWith("LAST-LINE\nMETRIC loss=1.5\n", result.LogTail);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Cancellation_kills_and_removes_the_container_and_throws()
    {
        using var bench = Bench();
        var spec = bench.Spec(["sleep", "60"], timeLimit: TimeSpan.FromMinutes(5));
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        string? containerId = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runner.RunAsync(
            bench.Request(spec),
            id =>
            {
                containerId = id;
                cts.CancelAfter(TimeSpan.FromSeconds(1.5));
                return Task.CompletedTask;
            },
            null,
            cts.Token));

        Assert.NotNull(containerId);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _client.Containers.InspectContainerAsync(containerId!));
    }

    [DockerFact]
    public async Task Missing_image_is_a_sandbox_error()
    {
        using var bench = Bench();
        var spec = bench.Spec(["true"], image: "autoresearch/does-not-exist:never");
        var result = await RunAsync(bench.Request(spec));

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.SandboxError, result.Failure);
        Assert.Contains("autoresearch/does-not-exist:never", result.Reason);
        Assert.Null(result.ContainerId);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Invalid_parameter_is_rejected_before_any_container_exists()
    {
        using var bench = Bench();
        var spec = bench.Spec(
            ["true"],
            parameters: [new ParameterSpec { Name = "lr", Type = ParameterType.Float, Default = "0.1" }]);
        var started = false;
        var result = await _runner.RunAsync(
            bench.Request(spec, new Dictionary<string, string> { ["lr"] = "fast" }),
            _ =>
            {
                started = true;
                return Task.CompletedTask;
            },
            null,
            CancellationToken.None);

        Assert.Equal(FailureKind.Rejected, result.Failure);
        Assert.Contains("'lr'", result.Reason);
        Assert.False(started);
    }

    [DockerFact]
    public async Task Custom_work_dir_missing_from_the_image_gets_the_workspace()
    {
        // Docker leaves a fresh volume's root owned by root when the image lacks the folder: the copied files and out/
        // belong to the sandbox user, but new files at the root need the image to provide the folder (as the base image does for /work).
        const string script = """
            import json, os
            p = json.load(open(os.environ["AR_PARAMS_FILE"]))
            out = os.environ["AR_OUTPUT_DIR"]
            with open(out + "/x.txt", "w") as f:
                f.write("ok")
            print(f"METRIC loss={p['x']} cwd_ok={int(os.getcwd() == '/scratch')} out_ok={int(out == '/scratch/out')}")
            """;
        using var bench = Bench(("w.py", script));
        var runner = CreateRunner("test-owner-" + Guid.NewGuid().ToString("N")[..8], o => o.WorkDir = "/scratch");
        var spec = bench.Spec(["python3", "w.py"], parameters: [new ParameterSpec { Name = "x", Type = ParameterType.Int, Default = "5" }]);
        var result = await runner.RunAsync(bench.Request(spec), null, null, CancellationToken.None);
        Log(result);

        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(5, result.Objective);
        Assert.Equal(1, Value(result, "cwd_ok"));
        Assert.Equal(1, Value(result, "out_ok"));
    }

    [DockerFact]
    public async Task Concurrent_runs_are_independent()
    {
        using var bench = Bench(("echo.py", "import os, time\ntime.sleep(0.5)\nprint('METRIC loss=' + os.environ['AR_PARAM_X'])\n"));
        var spec = bench.Spec(["python3", "echo.py"], parameters: [new ParameterSpec { Name = "x", Type = ParameterType.Float, Default = "0" }]);

        var results = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => _runner.RunAsync(
            bench.Request(spec, new Dictionary<string, string> { ["x"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, $"exp-{i}"),
            null,
            null,
            CancellationToken.None)));

        Assert.Equal([1.0, 2.0, 3.0], results.Select(r => r.Objective));
        Assert.Equal(3, results.Select(r => r.ContainerId).Distinct().Count());
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task Reaper_leaves_runs_in_progress_alone()
    {
        using var bench = Bench();
        IReadOnlyList<string>? reaped = null;
        var result = await _runner.RunAsync(
            bench.Request(bench.Spec(["sh", "-c", "sleep 1; echo METRIC loss=2"])),
            async _ => reaped = await _runner.ReapAsync(CancellationToken.None),
            null,
            CancellationToken.None);

        Assert.NotNull(reaped);
        Assert.Empty(reaped);
        Assert.Equal(2, result.Objective);
    }

    private static double Value(SandboxResult result, string name) =>
        result.Metrics.Last(m => m.Name == name).Value;

    private static TestBenchmark Bench(params (string Path, string Content)[] files) => new(files);

    private async Task<SandboxResult> RunAsync(SandboxRequest request)
    {
        var result = await _runner.RunAsync(request, null, null, CancellationToken.None);
        Log(result);
        return result;
    }

    private void Log(SandboxResult result)
    {
        _output.WriteLine($"status={result.Status} failure={result.Failure} exit={result.ExitCode} objective={result.Objective} elapsed={result.EndedAt - result.StartedAt}");
        _output.WriteLine($"reason={result.Reason}");
        _output.WriteLine($"head[{result.LogHead.Length}]={Shorten(result.LogHead)}");
        _output.WriteLine($"tail[{result.LogTail.Length}]={Shorten(result.LogTail)}");
    }

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..1000] + " ... " + text[^1000..];

    private DockerSandboxRunner CreateRunner(string owner, Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { Owner = owner, DockerEndpoint = DockerTestEnvironment.Endpoint };
        configure?.Invoke(options);
        var runner = new DockerSandboxRunner(Options.Create(options), new TestOutputLogger<DockerSandboxRunner>(_output));
        _cleanup.Add(runner);
        return runner;
    }
}
