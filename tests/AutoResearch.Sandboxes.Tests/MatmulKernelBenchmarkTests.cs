using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// The repository's <c>matmul-kernel</c> benchmark in its real image (<c>autoresearch/cc</c>, built by scripts/images.sh):
/// kernels an agent might send as an edit of <c>kernel.c</c> are compiled, checked and timed, or refused with a clear reason.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class MatmulKernelBenchmarkTests : MatmulKernelTestBase
{
    internal const string Image = "autoresearch/cc:latest";

    internal const string Signature = "void matmul(int n, const float *restrict a, const float *restrict b, float *restrict c)";

    /// <summary>Straightforward and correct; the bodies below vary it.</summary>
    internal const string NaiveBody = """
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    float s = 0.0f;
                    for (int k = 0; k < n; k++)
                        s += a[i * n + k] * b[k * n + j];
                    c[i * n + j] = s;
                }
        }
        """;

    internal const string IkjKernel = $$"""
        /* i-k-j: the inner loop runs along rows of B and C, contiguous and vectorisable. */
        #include <string.h>

        {{Signature}}
        {
            memset(c, 0, sizeof(float) * (size_t)n * (size_t)n);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < n; k++) {
                    const float x = a[i * n + k];
                    for (int j = 0; j < n; j++)
                        c[i * n + j] += x * b[k * n + j];
                }
        }
        """;

    public MatmulKernelBenchmarkTests(ITestOutputHelper output)
        : base(output)
    {
    }

    [Fact]
    public void The_spec_used_here_matches_benchmark_yaml()
    {
        var spec = Spec();
        var yaml = File.ReadAllText(Path.Combine(spec.Directory, "benchmark.yaml"));

        Assert.Matches(@"(?m)^name: matmul-kernel$", yaml);
        Assert.Matches($@"(?m)^image: {Regex.Escape(spec.Image)}$", yaml);
        Assert.Matches(@"(?m)^command: \[python3, run\.py\]$", yaml);
        Assert.Matches(@"(?m)^files: \[run\.py, harness\.c, worker\.c, kernel\.c\]$", yaml);
        Assert.Matches(@"(?m)^editable: \[kernel\.c\]$", yaml);
        Assert.Matches(@"(?m)^metric: \{ name: gflops, direction: maximize \}$", yaml);
        Assert.Matches(@"(?m)^time_limit: 60s$", yaml);
        Assert.Matches(@"(?m)^resources: \{ cpus: 1, memory: 512m, gpus: 0, pids: 64 \}$", yaml);
        Assert.Matches(@"(?m)^  opt_level: \{ type: choice, choices: \[O1, O2, O3, Ofast\], default: O2 \}$", yaml);
        Assert.Matches(@"(?m)^  block: +\{ type: int, min: 4, max: 512, log: true, default: 64 \}$", yaml);
        Assert.Matches(@"(?m)^  march: +\{ type: choice, choices: \[portable, native\], default: portable \}$", yaml);
        Assert.All(spec.Files, f => Assert.True(File.Exists(Path.Combine(spec.Directory, f)), f));
        Assert.True(File.Exists(Path.Combine(spec.Directory, "program.md")));
    }

    [DockerFact]
    public async Task Baseline_kernel_is_checked_timed_and_scored()
    {
        var result = await RunAsync(edits: null);

        AssertSucceeded(result);
        Assert.Contains("-O2 -march=x86-64-v2", Output(result), StringComparison.Ordinal);
        Assert.Contains("-DBLOCK=64", Output(result), StringComparison.Ordinal);
        Assert.Matches(@"seed [0-9a-f]{16}", Output(result));
        Assert.Contains("check call 0:", Output(result), StringComparison.Ordinal);
        Assert.Matches(@"all \d+ calls correct", Output(result));
        var maxError = Assert.Single(result.Metrics, m => m.Name == "max_error").Value;
        Assert.InRange(maxError, 0.0, 3.1e-5);
        Assert.True(Assert.Single(result.Metrics, m => m.Name == "gflops_median").Value > 0);
        Assert.True(Assert.Single(result.Metrics, m => m.Name == "seconds_best").Value > 0);
    }

    [DockerFact]
    public async Task Improved_kernel_succeeds_and_beats_the_baseline_by_a_wide_margin()
    {
        // Best of two runs each: one run's GFLOP/s moves with whatever else the machine does.
        var baseline = await RunAsync(edits: null);
        var improved = await RunAsync(IkjKernel);
        AssertSucceeded(baseline);
        AssertSucceeded(improved);
        var baselineBest = Math.Max(baseline.Objective!.Value, (await RunAsync(edits: null)).Objective ?? 0);
        var improvedBest = Math.Max(improved.Objective!.Value, (await RunAsync(IkjKernel)).Objective ?? 0);

        // Measured with the kernel in its own confined worker (issue 13): 1.69 vs 1.93 GFLOP/s on a quiet 2-core machine, 1.35x
        // under load; before it (kernel linked into the checker) 0.7 vs 2.7. Why the naive baseline got faster is not known yet.
        Assert.True(
            improvedBest > baselineBest,
            $"i-k-j {improvedBest:0.00} GFLOP/s vs baseline {baselineBest:0.00} GFLOP/s");
    }

    [DockerFact]
    public async Task Parameters_reach_the_compiler()
    {
        var result = await RunAsync(IkjKernel, new Dictionary<string, string> { ["opt_level"] = "O3", ["block"] = "16", ["march"] = "native" });

        AssertSucceeded(result);
        Assert.Contains("-O3 -march=native -mtune=native -DBLOCK=16", Output(result), StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Wrong_result_fails_the_correctness_check()
    {
        const string offByOne = $$"""
            {{Signature}}
            {
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        float s = 0.0f;
                        for (int k = 0; k < n - 1; k++)
                            s += a[i * n + k] * b[k * n + j];
                        c[i * n + j] = s;
                    }
            }
            """;

        var result = await RunAsync(offByOne);

        AssertFailed(result, "correctness check failed on check call 0", "max error", "expected", "tolerance");
    }

    [DockerFact]
    public async Task Kernel_defining_another_global_symbol_is_rejected_before_it_runs()
    {
        const string interposer = $$"""
            #include <time.h>

            int clock_gettime(clockid_t id, struct timespec *t)
            {
                (void)id;
                t->tv_sec = 0;
                t->tv_nsec = 0;
                return 0;
            }

            {{Signature}}
            {{NaiveBody}}
            """;

        var result = await RunAsync(interposer);

        AssertFailed(result, "exactly one global symbol, matmul", "clock_gettime");
        Assert.DoesNotContain("check call", Output(result), StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Kernel_writing_into_its_input_is_rejected()
    {
        var scribbler = $$"""
            {{Signature}}
            {{NaiveBody[..NaiveBody.LastIndexOf('}')]}}
                ((float *)a)[5] = 42.0f;
            }
            """;

        var result = await RunAsync(scribbler);

        AssertFailed(result, "wrote into its input A at A[0][5]", "read-only");
    }

    [DockerFact]
    public async Task Syntax_error_fails_with_the_compiler_message()
    {
        var broken = $$"""
            {{Signature}}
            {
                for (int i = 0; i < n * n; i++)
                    c[i] = 0.0f
            }
            """;

        var result = await RunAsync(broken);

        AssertFailed(result, "kernel.c does not compile", "error: expected ';'");
    }

    [DockerFact]
    public async Task Kernel_making_a_system_call_is_stopped_by_the_sandbox_filter()
    {
        var printer = $$"""
            #include <stdio.h>

            {{Signature}}
            {{NaiveBody[..NaiveBody.LastIndexOf('}')]}}
                printf("METRIC gflops=1000000\n");
                fflush(stdout);
            }
            """;

        var result = await RunAsync(printer);

        AssertFailed(result, "forbidden system call");
        Assert.DoesNotContain(result.Metrics, m => m.Name == "gflops");
    }

    [DockerFact]
    public async Task Kernel_with_a_constructor_is_rejected()
    {
        var constructor = $$"""
            static volatile int touched;

            __attribute__((constructor)) static void early(void)
            {
                touched = 1;
            }

            {{Signature}}
            {{NaiveBody}}
            """;

        var result = await RunAsync(constructor);

        AssertFailed(result, "section .init_array");
    }

    [DockerFact]
    public async Task Element_left_unwritten_is_reported()
    {
        var skipper = $$"""
            {{Signature}}
            {
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        if (i == 7 && j == 9)
                            continue;
                        float s = 0.0f;
                        for (int k = 0; k < n; k++)
                            s += a[i * n + k] * b[k * n + j];
                        c[i * n + j] = s;
                    }
            }
            """;

        var result = await RunAsync(skipper);

        AssertFailed(result, "C[7][9] is NaN", "never written");
    }

    internal static BenchmarkSpec Spec() => new()
    {
        Name = "matmul-kernel",
        Directory = Path.Combine(RepoRoot(), "sandboxes", "benchmarks", "matmul-kernel"),
        Image = Image,
        Command = ["python3", "run.py"],
        Files = ["run.py", "harness.c", "worker.c", "kernel.c"],
        Editable = ["kernel.c"],
        Description = "program.md",
        Metric = new MetricSpec { Name = "gflops", Direction = Direction.Maximize },
        TimeLimit = TimeSpan.FromSeconds(60),
        Resources = new ResourceSpec { Cpus = 1, MemoryMb = 512, Gpus = 0, Pids = 64 },
        Parameters =
        [
            new ParameterSpec { Name = "opt_level", Type = ParameterType.Choice, Choices = ["O1", "O2", "O3", "Ofast"], Default = "O2" },
            new ParameterSpec { Name = "block", Type = ParameterType.Int, Min = 4, Max = 512, Log = true, Default = "64" },
            new ParameterSpec { Name = "march", Type = ParameterType.Choice, Choices = ["portable", "native"], Default = "portable" },
        ],
    };

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The whole output when it was short (the tail is empty then), else its head and tail.</summary>
    internal static string Output(SandboxResult result) => result.LogHead + result.LogTail;

    internal static void AssertSucceeded(SandboxResult result)
    {
        Assert.True(result.Status == ExperimentStatus.Succeeded, $"{result.Failure}: {result.Reason}\n{result.LogTail}");
        Assert.NotNull(result.Objective);
        Assert.True(double.IsFinite(result.Objective.Value) && result.Objective.Value > 0, $"gflops {result.Objective}");
    }

    internal static void AssertFailed(SandboxResult result, params string[] fragments)
    {
        Assert.True(result.Status == ExperimentStatus.Failed, $"expected a failed run, got {result.Status}: {result.Reason}\n{result.LogTail}");
        Assert.Equal(FailureKind.Crash, result.Failure);
        Assert.Equal(1, result.ExitCode);
        Assert.Null(result.Objective);
        Assert.DoesNotContain(result.Metrics, m => m.Name == "gflops");
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, result.Reason, StringComparison.Ordinal);
        }
    }
}
