using AutoResearch.Abstractions.Experiments;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// Red team for the <c>matmul-kernel</c> benchmark: kernels an agent could send to fake a score, each run through the real
/// runner in the real image. Every one must end failed (exit 1) with a reason naming the violation, or be scored honestly;
/// none may leave a <c>gflops</c> value behind. The first eight catches of the earlier red team (wrong result, interposer,
/// input scribbler, printing, plain constructor, unwritten element, ...) stay in <see cref="MatmulKernelBenchmarkTests"/>.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class MatmulKernelRedTeamTests : MatmulKernelTestBase
{
    private const string Signature = MatmulKernelBenchmarkTests.Signature;

    private const string NaiveBody = MatmulKernelBenchmarkTests.NaiveBody;

    /// <summary>Would print a fake score if it ran anywhere it could reach the output.</summary>
    private const string Evil = """
        #include <stdio.h>
        #include <string.h>
        #include <unistd.h>
        #include <fcntl.h>

        __attribute__((used)) static void evil(void)
        {
            static const char line[] = "METRIC gflops=99999\n";
            (void)!write(1, line, strlen(line));
            int fd = open("/proc/1/fd/1", O_WRONLY);
            if (fd >= 0)
                (void)!write(fd, line, strlen(line));
        }
        """;

    public MatmulKernelRedTeamTests(ITestOutputHelper output)
        : base(output)
    {
    }

    // ---------------------------------------------------------------------------------------- code outside matmul()

    /// <summary>Kernels with code that would run outside matmul(), and the fragments of the reason each is refused with.</summary>
    private static readonly Dictionary<string, Cheat> OutsideMatmul = new(StringComparer.Ordinal)
    {
        // The cheat that got past the old check: readelf's line for such a section did not parse and was skipped.
        ["Constructor_in_an_init_array_section_whose_name_has_a_space_is_refused"] = new(
            AfterPrelude($$"""
            {{Evil}}
            __asm__(".pushsection \"my ctors\",\"aw\",@init_array\n.p2align 3\n.quad evil\n.popsection");
            """),
            "constructor/destructor list", "section 'my ctors' (INIT_ARRAY)"),

        ["Constructor_in_a_section_the_linker_would_merge_into_init_array_is_refused"] = new(
            AfterPrelude($$"""
            {{Evil}}
            __asm__(".pushsection \".init_array.0 x\",\"aw\",@progbits\n.p2align 3\n.quad evil\n.popsection");
            """),
            "constructor/destructor list", "section '.init_array.0 x'"),

        ["Constructor_hidden_behind_a_macro_with_a_priority_is_refused"] = new(
            AfterPrelude($$"""
            #define EARLY __attribute__((__constructor__(101)))
            {{Evil.Replace("__attribute__((used)) static void evil", "EARLY static void evil", StringComparison.Ordinal)}}
            """),
            "constructor/destructor list", "section .init_array.00101"),

        ["Destructor_printing_a_score_at_exit_is_refused"] = new(
            AfterPrelude($$"""
            {{Evil.Replace("__attribute__((used))", "__attribute__((destructor))", StringComparison.Ordinal)}}
            """),
            "constructor/destructor list", "section .fini_array"),

        ["Preinit_array_entry_is_refused"] = new(
            AfterPrelude($$"""
            {{Evil}}
            __attribute__((used, section(".preinit_array"))) static void (*const early)(void) = evil;
            """),
            "constructor/destructor list", "section .preinit_array"),

        ["Legacy_ctors_entry_is_refused"] = new(
            AfterPrelude($$"""
            {{Evil}}
            __attribute__((used, section(".ctors"))) static void (*const early)(void) = evil;
            """),
            "constructor/destructor list", "section .ctors"),

        ["Ifunc_resolver_is_refused"] = new(
            $$"""
            static void impl(int n, const float *restrict a, const float *restrict b, float *restrict c)
            {{NaiveBody}}
            static void (*resolve(void))(int, const float *restrict, const float *restrict, float *restrict) { return impl; }
            void matmul(int n, const float *restrict a, const float *restrict b, float *restrict c) __attribute__((ifunc("resolve")));
            """,
            "matmul (an ifunc"),

        ["Target_clones_are_refused_as_an_ifunc"] = new(
            AfterPrelude("""
            __attribute__((target_clones("avx2", "default")))
            """),
            "matmul (an ifunc"),

        ["Irelative_relocation_calling_a_resolver_at_start_up_is_refused"] = new(
            AfterPrelude("""
            #include <unistd.h>
            __attribute__((used)) static void *evil(void)
            {
                (void)!write(1, "METRIC gflops=99999\n", 20);
                return 0;
            }
            __asm__(".pushsection .data.slot,\"aw\",@progbits\n.p2align 3\nslot: .quad 0\n.reloc slot, R_X86_64_IRELATIVE, evil\n.popsection");
            """),
            "relocations in .rela.data.slot of a dynamic kind: IRELATIVE"),

        ["Code_in_a_section_with_an_odd_name_is_refused"] = new(
            AfterPrelude("""
            __asm__(".pushsection \"odd name\",\"ax\",@progbits\nnop\n.popsection");
            """),
            "section 'odd name' (PROGBITS)", "only code and data sections"),

        ["Global_buffer_is_refused"] = new(
            AfterPrelude("""
            float scratch[64];
            """),
            "exactly one global symbol, matmul", "scratch"),
    };

    public static IEnumerable<object[]> CheatsOutsideMatmul => OutsideMatmul.Keys.Select(cheat => new object[] { cheat });

    [DockerTheory]
    [MemberData(nameof(CheatsOutsideMatmul))]
    public Task Code_outside_matmul_is_refused_before_it_runs(string cheat) => AssertRefusedAsync(OutsideMatmul[cheat]);

    // ---------------------------------------------------------------------------------------- inside matmul()

    /// <summary>Kernels that cheat from inside matmul(), and the fragments of the reason each run fails with.</summary>
    private static readonly Dictionary<string, Cheat> InsideMatmul = new(StringComparer.Ordinal)
    {
        ["Kernel_writing_a_score_to_stdout_is_stopped_by_the_filter"] = new(
            $$"""
            #include <unistd.h>
            {{Signature}}
            {{NaiveBody[..NaiveBody.LastIndexOf('}')]}}
                (void)!write(1, "METRIC gflops=99999\n", 20);
            }
            """,
            "forbidden system call 1 (write)"),

        ["Kernel_opening_the_containers_stdout_through_proc_is_stopped_by_the_filter"] = new(
            $$"""
            #include <fcntl.h>
            #include <unistd.h>
            {{Signature}}
            {{NaiveBody[..NaiveBody.LastIndexOf('}')]}}
                int fd = open("/proc/1/fd/1", O_WRONLY);
                if (fd >= 0)
                    (void)!write(fd, "METRIC gflops=99999\n", 20);
            }
            """,
            "forbidden system call 257 (openat)"),

        ["Kernel_writing_result_json_is_stopped_by_the_filter"] = new(
            $$$"""
            #include <stdio.h>
            {{{Signature}}}
            {{{NaiveBody[..NaiveBody.LastIndexOf('}')]}}}
                FILE *f = fopen("result.json", "w");
                if (f) { fputs("{\"metrics\": {\"gflops\": 99999}}", f); fclose(f); }
            }
            """,
            "forbidden system call", "openat"),

        // fd 4 is the worker's reply pipe: the filter lets it write there, so it can only lie about being done early.
        ["Kernel_reporting_done_before_it_computed_fails_the_check"] = new(
            $$"""
            #include <unistd.h>
            {{Signature}}
            {
                (void)!write(4, "d", 1);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        float s = 0.0f;
                        for (int k = 0; k < n; k++)
                            s += a[i * n + k] * b[k * n + j];
                        c[i * n + j] = s;
                    }
            }
            """,
            "correctness check failed on check call 0", "never written"),

        ["Kernel_replaying_its_first_result_fails_on_the_next_call"] = new(
            $$"""
            #include <stdlib.h>
            #include <string.h>
            static float *saved;
            {{Signature}}
            {
                size_t bytes = sizeof(float) * (size_t)n * (size_t)n;
                if (saved) { memcpy(c, saved, bytes); return; }
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) {
                        float s = 0.0f;
                        for (int k = 0; k < n; k++)
                            s += a[i * n + k] * b[k * n + j];
                        c[i * n + j] = s;
                    }
                saved = malloc(bytes);
                memcpy(saved, c, bytes);
            }
            """,
            "correctness check failed on timed call 1"),

        ["Kernel_exiting_instead_of_returning_fails"] = new(
            $$"""
            #include <unistd.h>
            {{Signature}}
            {
                (void)n; (void)a; (void)b; (void)c;
                _exit(0);
            }
            """,
            "exited with status 0 during check call 0", "must return"),
    };

    public static IEnumerable<object[]> CheatsInsideMatmul => InsideMatmul.Keys.Select(cheat => new object[] { cheat });

    [DockerTheory]
    [MemberData(nameof(CheatsInsideMatmul))]
    public Task Cheat_inside_matmul_is_stopped(string cheat) => AssertRefusedAsync(InsideMatmul[cheat]);

    // ---------------------------------------------------------------------------------------- second line of defence

    /// <summary>
    /// The checks above refuse a constructor before anything runs. This proves the layer behind them: a driver imports the
    /// trusted run.py and links such a kernel anyway. The link check still names it, and run under the checker the
    /// constructor cannot reach the output (seccomp from exec), while run directly (the control) it can.
    /// </summary>
    [DockerFact]
    public async Task Constructor_linked_in_despite_the_checks_still_cannot_reach_the_output()
    {
        var kernel = $$"""
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #include <fcntl.h>

            __attribute__((constructor)) static void evil(void)
            {
                /* Directly run (the control) it says so; under the checker it tries to fake a score. */
                const char *line = getenv("CONTROL") ? "control: the constructor reached the output\n" : "METRIC gflops=99999\n";
                (void)!write(1, line, strlen(line));
                (void)!write(2, line, strlen(line));
                char path[64];
                snprintf(path, sizeof path, "/proc/%d/fd/1", (int)getppid());
                int fd = open(path, O_WRONLY);
                if (fd >= 0)
                    (void)!write(fd, line, strlen(line));
                fd = open("/proc/1/fd/1", O_WRONLY);
                if (fd >= 0)
                    (void)!write(fd, line, strlen(line));
            }

            {{Signature}}
            {{NaiveBody}}
            """;

        var result = await RunBypassAsync(kernel);

        var output = MatmulKernelBenchmarkTests.Output(result);
        Assert.Contains("bypass: object check refused it", output, StringComparison.Ordinal);
        Assert.Contains("section .init_array", output, StringComparison.Ordinal);
        Assert.Contains("bypass: link check refused it", output, StringComparison.Ordinal);
        Assert.Contains("evil", output, StringComparison.Ordinal);
        Assert.Contains("control: the constructor reached the output", output, StringComparison.Ordinal);
        Assert.Matches(@"bypass: scored honestly \d+\.\d+ GFLOP/s", output);
        Assert.DoesNotContain("99999", output, StringComparison.Ordinal);
        Assert.Empty(result.Metrics);
        Assert.Null(result.Objective);
    }

    [DockerFact]
    public async Task Constructor_forging_replies_before_start_up_is_caught_by_the_checker()
    {
        var kernel = $$"""
            #include <unistd.h>
            __attribute__((constructor)) static void forge(void)
            {
                (void)!write(4, "dddddddd", 8);
            }
            {{Signature}}
            {{NaiveBody}}
            """;

        var result = await RunBypassAsync(kernel);

        var output = MatmulKernelBenchmarkTests.Output(result);
        Assert.Contains("bypass: the checker refused it", output, StringComparison.Ordinal);
        Assert.Contains("before its start-up message: code ran before matmul()", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bypass: scored honestly", output, StringComparison.Ordinal);
        Assert.Empty(result.Metrics);
    }

    // ---------------------------------------------------------------------------------------- held-out evaluation

    [DockerFact]
    public async Task Holdout_times_other_sizes_and_scores_their_geometric_mean()
    {
        var spec = MatmulKernelBenchmarkTests.Spec() with { Command = ["env", "AR_EVAL=holdout", "python3", "run.py"] };

        var result = await RunAsync(spec, MatmulKernelBenchmarkTests.IkjKernel);

        MatmulKernelBenchmarkTests.AssertSucceeded(result);
        Assert.Contains("evaluation holdout (n=384, 509, 640)", MatmulKernelBenchmarkTests.Output(result), StringComparison.Ordinal);
        Assert.DoesNotContain("n=512", MatmulKernelBenchmarkTests.Output(result), StringComparison.Ordinal);
        var sizes = new[] { "gflops_n384", "gflops_n509", "gflops_n640" }
            .Select(name => Assert.Single(result.Metrics, m => m.Name == name).Value)
            .ToList();
        Assert.All(sizes, v => Assert.True(v > 0, $"{v}"));
        var geometricMean = Math.Exp(sizes.Average(Math.Log));
        Assert.Equal(geometricMean, result.Objective!.Value, 0.01 * geometricMean);
    }

    [DockerFact]
    public async Task Kernel_specialised_to_the_tuning_size_fails_the_holdout()
    {
        var kernel = $$"""
            {{Signature}}
            {
                if (n != 512)
                    return;
                for (int i = 0; i < 512; i++)
                    for (int j = 0; j < 512; j++) {
                        float s = 0.0f;
                        for (int k = 0; k < 512; k++)
                            s += a[i * 512 + k] * b[k * 512 + j];
                        c[i * 512 + j] = s;
                    }
            }
            """;
        var holdout = MatmulKernelBenchmarkTests.Spec() with { Command = ["env", "AR_EVAL=holdout", "python3", "run.py"] };

        var tuned = await RunAsync(kernel);
        var heldOut = await RunAsync(holdout, kernel);

        MatmulKernelBenchmarkTests.AssertSucceeded(tuned);
        AssertFailed(heldOut, "at n=384: correctness check failed on check call 0");
        Assert.Contains("never written", MatmulKernelBenchmarkTests.Output(heldOut), StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Unknown_evaluation_mode_is_bad_setup()
    {
        var spec = MatmulKernelBenchmarkTests.Spec() with { Command = ["env", "AR_EVAL=final", "python3", "run.py"] };

        var result = await RunAsync(spec, edits: null);

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AR_EVAL='final' is not one of tune, holdout", result.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Metrics);
    }

    // ---------------------------------------------------------------------------------------- helpers

    /// <summary>Runs the cheat's kernel: the run must fail with every fragment of the reason and leave no fake score.</summary>
    private async Task AssertRefusedAsync(Cheat cheat)
    {
        var result = await RunAsync(cheat.Kernel);

        AssertFailed(result, cheat.Reasons);
    }

    private static void AssertFailed(SandboxResult result, params string[] fragments)
    {
        MatmulKernelBenchmarkTests.AssertFailed(result, fragments);
        Assert.DoesNotContain(result.Metrics, m => m.Value >= 99999);
    }

    /// <summary>The straightforward <c>matmul</c> (<see cref="Signature"/>, <see cref="NaiveBody"/>) after <paramref name="prelude"/>.</summary>
    private static string AfterPrelude(string prelude) => prelude + "\n" + Signature + "\n" + NaiveBody;

    /// <summary>A cheating kernel and the fragments the reason for refusing it must contain.</summary>
    private sealed record Cheat(string Kernel, params string[] Reasons);

    /// <summary>The benchmark's trusted files plus a driver that skips the refusals (see <see cref="Bypass"/>).</summary>
    private async Task<SandboxResult> RunBypassAsync(string kernel)
    {
        var source = MatmulKernelBenchmarkTests.Spec();
        var files = source.Files.Where(f => f != "kernel.c")
            .Select(f => (f, File.ReadAllText(Path.Combine(source.Directory, f))))
            .Append(("bypass.py", Bypass))
            .Append(("kernel.c", "/* replaced by the edit */\n"))
            .ToArray();
        using var bench = new TestBenchmark(files);
        var spec = source with { Directory = bench.Directory, Files = bench.Files, Command = ["python3", "bypass.py"], Editable = ["kernel.c"] };
        return await RunAsync(spec, kernel);
    }

    /// <summary>
    /// Uses run.py's own steps but goes on where they refuse, prints what each said, runs the worker once directly
    /// (with CONTROL set, output to a pipe it then drops: what the constructor writes to /proc/1/fd/1 lands in the
    /// container's output) and then under the checker at n=128. It prints no METRIC line of its own.
    /// </summary>
    private const string Bypass = """
        import os, subprocess, sys, tempfile, time
        import run

        build_dir = tempfile.mkdtemp(prefix=".bypass-", dir=os.getcwd())
        checker, worker_obj, reference = run.build_trusted(build_dir)
        kernel_obj = run.compile_kernel(run.load_params(), build_dir)
        try:
            run.check_object(kernel_obj)
            print("bypass: object check passed")
        except run.KernelRejected as e:
            print(f"bypass: object check refused it ({e}); linking it anyway")
        worker = run.link_worker(worker_obj, kernel_obj, build_dir)
        try:
            run.verify_linked(worker, reference)
            print("bypass: link check passed")
        except run.KernelRejected as e:
            print(f"bypass: link check refused it ({e}); running it anyway")
        sys.stdout.flush()
        subprocess.run([worker, "1"], env={"CONTROL": "1"}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=10)
        try:
            r = run.measure(checker, worker, 128, "", time.time() + 30, 0.2, 2)
            print(f"bypass: scored honestly {r['gflops']:.3f} GFLOP/s, max error {r['max_error']:.2g}")
        except run.KernelRejected as e:
            print(f"bypass: the checker refused it: {e}")
        sys.stdout.flush()
        """;
}
