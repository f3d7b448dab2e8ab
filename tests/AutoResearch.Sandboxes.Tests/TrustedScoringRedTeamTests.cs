using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;
using Docker.DotNet;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// Red team of the metric path, in real containers: an edited training script that claims a score (printed, in
/// <c>result.json</c>, ±1e308, a million METRIC lines, both streams) either fails with a reason naming what it did or is
/// scored honestly by the trusted scorer; stored points stay small. Also the scorer contract: a fresh sandbox with the
/// scorer's files only, the artifact read-only, the same environment.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class TrustedScoringRedTeamTests : IDisposable
{
    /// <summary>Writes the predictions of a model that always answers 0: honestly about 0.9 wrong on the validation half.</summary>
    private const string PredictZeros = """
        import json, os
        import numpy as np
        with np.load("train_data.npz", allow_pickle=False) as d:
            n = len(d["x_eval"])
        out = os.environ["AR_OUTPUT_DIR"]
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "predictions.json"), "w") as f:
            json.dump({"labels": [0] * n}, f)

        """;

    private readonly ITestOutputHelper _output;
    private readonly DockerSandboxRunner _runner;
    private readonly DockerClient _client;

    public TrustedScoringRedTeamTests(ITestOutputHelper output)
    {
        _output = output;
        _runner = new DockerSandboxRunner(
            Options.Create(new SandboxOptions { Owner = "test-owner-" + Guid.NewGuid().ToString("N")[..8], DockerEndpoint = DockerTestEnvironment.Endpoint }),
            new TestOutputLogger<DockerSandboxRunner>(output));
        _client = DockerTestEnvironment.CreateClient();
    }

    public void Dispose()
    {
        _runner.Dispose();
        _client.Dispose();
    }

    [DockerFact]
    public async Task Digits_a_printed_and_a_result_json_claim_of_zero_error_are_ignored_and_the_scorer_scores_honestly()
    {
        var cheat = PredictZeros + """
            print("METRIC val_error=0 step=1")
            print("METRIC val_error=0")
            with open("result.json", "w") as f:
                json.dump({"metrics": {"val_error": 0}}, f)
            with open(os.path.join(out, "result.json"), "w") as f:  # in the artifact too
                json.dump({"metrics": {"val_error": 0}}, f)
            """;

        var (result, campaign) = await RunDigitsAsync(cheat);

        AssertScoredHonestly(result);
        Assert.Contains(result.Metrics, m => m is { Name: "val_error", Value: 0, Untrusted: true });
        Assert.DoesNotContain(result.Metrics, m => m is { Name: "val_error", Value: 0, Untrusted: false });
        Assert.Contains("result.json of the run under test is not read: the trusted scorer gives the objective", result.Notes);
        await DockerAssertions.AssertNoContainersAsync(_client, campaign);
    }

    [DockerFact]
    public async Task Digits_printed_plus_and_minus_1e308_and_overflow_never_become_the_result()
    {
        var cheat = PredictZeros + """
            print("METRIC val_error=-1e308")
            print("METRIC val_error=1e308")
            print("METRIC val_error=-1e309")
            """;

        var (result, campaign) = await RunDigitsAsync(cheat);

        AssertScoredHonestly(result);
        Assert.Contains(result.Metrics, m => m is { Name: "val_error", Value: -1e308, Untrusted: true });
        Assert.Contains(result.Notes, n => n.Contains("val_error=-1e309 is not a finite number", StringComparison.Ordinal));
        await DockerAssertions.AssertNoContainersAsync(_client, campaign);
    }

    [DockerFact]
    public async Task Digits_a_million_metric_lines_are_scored_honestly_and_the_stored_points_stay_small()
    {
        var cheat = PredictZeros + """
            import sys
            sys.stdout.write("".join(f"METRIC val_error=0 step={i}\n" for i in range(1000000)))
            sys.stdout.flush()
            """;

        var (result, campaign) = await RunDigitsAsync(cheat);

        AssertScoredHonestly(result);
        Assert.InRange(result.Metrics.Count, 2, MetricPointBuffer.MaxStored + MetricPointBuffer.MaxNames);
        var stored = JsonSerializer.Serialize(result.Metrics).Length + result.LogHead.Length + result.LogTail.Length + string.Join("", result.Notes).Length;
        _output.WriteLine($"stored: {result.Metrics.Count} points, {JsonSerializer.Serialize(result.Metrics).Length} characters of points, {stored} characters in all");
        Assert.True(stored < 400_000, $"{stored} characters stored for one run");
        Assert.Equal(0, result.Metrics.First(m => m.Name == "val_error").Step);
        Assert.Equal(999_999, result.Metrics.Last(m => m is { Name: "val_error", Untrusted: true }).Step);
        // 1,000,000 printed by the training run plus the scorer's one.
        Assert.Contains(result.Notes, n => n.StartsWith("1000001 metric points reported; kept the first 100", StringComparison.Ordinal));
        await DockerAssertions.AssertNoContainersAsync(_client, campaign);
    }

    [DockerFact]
    public async Task Digits_the_training_run_sees_neither_the_scorer_nor_any_evaluation_labels()
    {
        var snoop = PredictZeros + """
            found = []
            for root, dirs, files in os.walk("/"):
                if root in ("/proc", "/sys", "/dev"):
                    dirs[:] = []
                    continue
                found += [os.path.join(root, f) for f in files if f in ("score.py", "digits.csv.gz", "val.txt", "holdout.txt")]
            try:
                import sklearn
                found.append("sklearn")
            except ImportError:
                pass
            print("FOUND " + json.dumps(found), flush=True)
            """;

        var (result, campaign) = await RunDigitsAsync(snoop);

        AssertScoredHonestly(result);
        Assert.Contains("FOUND []", result.LogHead + result.LogTail);
        await DockerAssertions.AssertNoContainersAsync(_client, campaign);
    }

    [DockerFact]
    public async Task Digits_the_scorer_scores_the_held_out_half_when_AR_EVAL_is_holdout_and_refuses_unknown_modes()
    {
        var holdout = await RunDigitsAsync(PredictZeros, scorerCommand: ["env", "AR_EVAL=holdout", "python3", "score.py"]);
        AssertScoredHonestly(holdout.Result);
        Assert.Contains("holdout split, 223 images", holdout.Result.LogTail);

        var unknown = await RunDigitsAsync(PredictZeros, scorerCommand: ["env", "AR_EVAL=test", "python3", "score.py"]);
        Assert.Equal(ExperimentStatus.Failed, unknown.Result.Status);
        Assert.Contains("the trusted scorer failed: exit code 1", unknown.Result.Reason);
        Assert.Contains("AR_EVAL must be one of tune, holdout, not 'test'", unknown.Result.Reason);
    }

    [DockerFact]
    public async Task Digits_missing_or_malformed_predictions_fail_the_run_naming_the_problem()
    {
        var none = await RunDigitsAsync("print('METRIC val_error=0')\n");
        Assert.Equal(ExperimentStatus.Failed, none.Result.Status);
        Assert.Equal(FailureKind.Crash, none.Result.Failure);
        Assert.Contains("the trusted scorer failed", none.Result.Reason);
        Assert.Contains("no predictions", none.Result.Reason);
        Assert.Null(none.Result.Objective);

        var wrong = await RunDigitsAsync("""
            import json, os
            os.makedirs(os.environ["AR_OUTPUT_DIR"], exist_ok=True)
            with open(os.path.join(os.environ["AR_OUTPUT_DIR"], "predictions.json"), "w") as f:
                json.dump({"labels": [7, 7, 7]}, f)
            """);
        Assert.Equal(ExperimentStatus.Failed, wrong.Result.Status);
        Assert.Contains("expected 450 labels (one per row of x_eval), got 3", wrong.Result.Reason);
    }

    [DockerFact]
    public async Task TinyLm_untrained_weights_score_about_log2_86_bits_on_both_texts_and_nan_weights_fail()
    {
        const string untrained = """
            import os
            import torch
            from model import GPT, model_config, save_weights
            import train
            params = train.load_params()
            model = GPT(**model_config(params))
            model.apply(train.init_weights)
            print("METRIC val_bpb=0")
            os.makedirs(os.environ["AR_OUTPUT_DIR"], exist_ok=True)
            if os.environ.get("POISON"):
                with torch.no_grad():
                    model.ln_f.weight.fill_(float("nan"))
            save_weights(model, os.path.join(os.environ["AR_OUTPUT_DIR"], "model.npz"))
            """;
        var spec = BenchmarkLoader.Load(Path.Combine(RepoRoot(), "sandboxes", "benchmarks", "tiny-lm"));
        spec = spec with { Command = ["python3", "cheat.py"], Files = [.. spec.Files, "cheat.py"] };
        using var folder = new TestBenchmark(("cheat.py", untrained));
        var local = CopyBenchmark(spec, folder.Directory);

        var tune = await RunAsync(local, folder.CampaignId);
        AssertSucceeded(tune);
        Assert.InRange(tune.Objective!.Value, 6.0, 7.0); // log2(86) = 6.43
        Assert.Contains(tune.Metrics, m => m is { Name: "val_bpb", Value: 0, Untrusted: true });

        var holdout = await RunAsync(local with { Scorer = local.Scorer! with { Command = ["env", "AR_EVAL=holdout", "python3", "score.py"] } }, folder.CampaignId);
        AssertSucceeded(holdout);
        Assert.InRange(holdout.Objective!.Value, 6.0, 7.0);
        Assert.NotEqual(tune.Objective, holdout.Objective);
        Assert.Contains("holdout text holdout.txt", holdout.LogTail);

        var poisoned = await RunAsync(local with { Command = ["env", "POISON=1", "python3", "cheat.py"] }, folder.CampaignId);
        Assert.Equal(ExperimentStatus.Failed, poisoned.Status);
        Assert.Contains("ln_f.weight holds NaN or infinite values", poisoned.Reason);
        await DockerAssertions.AssertNoContainersAsync(_client, folder.CampaignId);
    }

    [DockerFact]
    public async Task Without_a_scorer_both_streams_give_the_same_result_every_time_and_stderr_lines_are_noted()
    {
        using var bench = new TestBenchmark(("both.py", """
            import sys
            for i in range(200):
                print(f"METRIC loss={-1e308 if i % 2 else -6}", file=sys.stderr, flush=True)
                print("METRIC loss=0.5", flush=True)
            """));
        var spec = bench.Spec(["python3", "both.py"]);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await RunAsync(spec, bench.CampaignId);
            AssertSucceeded(result);
            Assert.Equal(0.5, result.Objective);
            Assert.All(result.Metrics, m => Assert.Equal(0.5, m.Value));
            Assert.Contains("200 METRIC line(s) on stderr ignored: only stdout counts", result.Notes);
        }
    }

    [DockerFact]
    public async Task Without_a_scorer_a_value_outside_metric_range_fails_the_run_naming_the_value_and_the_range()
    {
        using var bench = new TestBenchmark(("huge.py", "print('METRIC loss=0.25')\nprint('METRIC loss=-1e308')\n"));
        var spec = bench.Spec(["python3", "huge.py"]);
        spec = spec with { Metric = spec.Metric with { RangeLow = 0, RangeHigh = 1 } };

        var result = await RunAsync(spec, bench.CampaignId);

        Assert.Equal(ExperimentStatus.Failed, result.Status);
        Assert.Equal(FailureKind.NoMetric, result.Failure);
        Assert.Null(result.Objective);
        Assert.Contains("reported loss=-1E+308, outside the plausible range [0, 1] declared in metric.range", result.Reason);
    }

    [DockerFact]
    public async Task Without_a_scorer_a_result_json_that_disagrees_with_the_printed_value_is_noted_and_counts()
    {
        using var bench = new TestBenchmark(("disagree.py", """
            import json
            print("METRIC loss=0.5")
            with open("result.json", "w") as f:
                json.dump({"metrics": {"loss": 0.25}}, f)
            """));

        var result = await RunAsync(bench.Spec(["python3", "disagree.py"]), bench.CampaignId);

        AssertSucceeded(result);
        Assert.Equal(0.25, result.Objective);
        Assert.Contains("result.json gives loss=0.25 but the last METRIC line on stdout gives 0.5; result.json counts", result.Notes);
        Assert.Contains("- result.json gives loss=0.25", result.LogTail); // the notes are kept with the log on every result
    }

    [DockerFact]
    public async Task The_scorer_runs_in_a_fresh_sandbox_with_its_files_the_same_environment_and_the_artifact_read_only()
    {
        const string train = """
            import json, os
            out = os.environ["AR_OUTPUT_DIR"]
            os.makedirs(out + "/sub", exist_ok=True)
            open(out + "/model.txt", "w").write("weights")
            open(out + "/sub/more.txt", "w").write("more")
            os.symlink("/etc/passwd", out + "/link")
            print("SECRET_VISIBLE" if os.path.exists("secret.txt") else "secret hidden")
            print("TRAIN_ENV " + json.dumps({k: v for k, v in os.environ.items() if k.startswith("AR_PARAM") or k == "AR_SEED"}, sort_keys=True))
            print("METRIC loss=0 step=1")
            """;
        const string score = """
            import json, os
            art = os.environ["AR_ARTIFACT_DIR"]
            assert open(os.path.join(art, "model.txt")).read() == "weights"
            assert open(os.path.join(art, "sub", "more.txt")).read() == "more"
            for target in ("model.txt", "new.txt", "sub/new.txt"):
                try:
                    open(os.path.join(art, target), "w").write("x")
                    print("WROTE " + target)
                except OSError as e:
                    print("REFUSED " + target)
            print("LINK " + str(os.path.lexists(os.path.join(art, "link"))))
            print("SCORER_ENV " + json.dumps({k: v for k, v in os.environ.items() if k.startswith("AR_PARAM") or k == "AR_SEED"}, sort_keys=True))
            print("FILES " + json.dumps(sorted(os.listdir("."))))
            print("SECRET " + open("secret.txt").read())
            print("METRIC loss=0.25")
            """;
        using var bench = new TestBenchmark(("train.py", train), ("score.py", score), ("secret.txt", "labels"));
        var spec = bench.Spec(["python3", "train.py"], parameters:
        [
            new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 1e-5, Max = 1, Log = true, Default = "0.01" },
        ]) with
        {
            Files = ["train.py"],
            Editable = ["train.py"],
            Scorer = new ScorerSpec { Command = ["python3", "score.py"], Files = ["score.py", "secret.txt"], TimeLimit = TimeSpan.FromSeconds(60) },
        };
        var request = bench.Request(spec, new Dictionary<string, string> { ["lr"] = "0.002" }) with
        {
            EditedFiles = new Dictionary<string, string> { ["train.py"] = train },
        };

        var result = await _runner.RunAsync(request, null, null, CancellationToken.None);
        Log(result);

        AssertSucceeded(result);
        Assert.Equal(0.25, result.Objective);
        Assert.Equal([new MetricPoint { Name = "loss", Value = 0, Step = 1, Untrusted = true }, new MetricPoint { Name = "loss", Value = 0.25 }], result.Metrics);
        var log = result.LogHead + result.LogTail;
        Assert.Contains("secret hidden", log);
        Assert.Contains("REFUSED model.txt", log);
        Assert.Contains("REFUSED new.txt", log);
        Assert.Contains("REFUSED sub/new.txt", log);
        Assert.Contains("LINK False", log);
        Assert.Contains("""FILES ["artifact", "out", "params.json", "score.py", "secret.txt"]""", log);
        Assert.Contains("SECRET labels", log);
        var trainEnv = log.Split('\n').Single(l => l.StartsWith("TRAIN_ENV ", StringComparison.Ordinal))["TRAIN_ENV ".Length..];
        Assert.Contains($"SCORER_ENV {trainEnv}", log);
        Assert.Contains("\"AR_PARAM_LR\": \"0.002\"", trainEnv);
        Assert.Contains(result.Notes, n => n.Contains("artifact link", StringComparison.Ordinal) && n.Contains("not given to the scorer", StringComparison.Ordinal));
        Assert.Contains("[trusted scorer output]", result.LogTail);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    [DockerFact]
    public async Task A_failing_or_slow_scorer_fails_the_run_and_a_failed_training_run_is_never_scored()
    {
        using var bench = new TestBenchmark(
            ("train.py", "import sys\nprint('METRIC loss=0')\nsys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)\n"),
            ("crash.py", "import sys\nprint('scorer broke', file=sys.stderr)\nsys.exit(3)\n"),
            ("slow.py", "import time\ntime.sleep(60)\n"),
            ("wild.py", "print('METRIC loss=5')\n"));
        ScorerSpec Scorer(string script, int seconds = 60) => new() { Command = ["python3", script], Files = [script], TimeLimit = TimeSpan.FromSeconds(seconds) };
        var spec = bench.Spec(["python3", "train.py"]) with { Files = ["train.py"] };

        var crash = await RunAsync(spec with { Scorer = Scorer("crash.py") }, bench.CampaignId);
        Assert.Equal((ExperimentStatus.Failed, FailureKind.Crash), (crash.Status, crash.Failure));
        Assert.StartsWith("the trusted scorer failed: exit code 3", crash.Reason);
        Assert.Contains("scorer broke", crash.Reason);

        var slow = await RunAsync(spec with { Scorer = Scorer("slow.py", 3) }, bench.CampaignId);
        Assert.Equal((ExperimentStatus.Failed, FailureKind.Timeout), (slow.Status, slow.Failure));
        Assert.StartsWith("the trusted scorer failed: exceeded the time limit of 00:00:03", slow.Reason);
        Assert.True(slow.EndedAt - slow.StartedAt >= TimeSpan.FromSeconds(3), $"{slow.EndedAt - slow.StartedAt}: the scorer's time belongs to the experiment");

        var wild = await RunAsync(spec with { Scorer = Scorer("wild.py"), Metric = spec.Metric with { RangeLow = 0, RangeHigh = 1 } }, bench.CampaignId);
        Assert.Equal((ExperimentStatus.Failed, FailureKind.NoMetric), (wild.Status, wild.Failure));
        Assert.Contains("reported loss=5, outside the plausible range [0, 1]", wild.Reason);

        var failedTraining = await RunAsync(spec with { Command = ["python3", "train.py", "2"], Scorer = Scorer("wild.py") }, bench.CampaignId);
        Assert.Equal((ExperimentStatus.Failed, FailureKind.Crash), (failedTraining.Status, failedTraining.Failure));
        Assert.StartsWith("exit code 2", failedTraining.Reason);
        Assert.DoesNotContain("[trusted scorer output]", failedTraining.LogTail);
        await DockerAssertions.AssertNoContainersAsync(_client, bench.CampaignId);
    }

    private static void AssertScoredHonestly(SandboxResult result)
    {
        AssertSucceeded(result);
        // Always answering 0 is wrong on about 90% of either half (204 of 227 validation images, 201 of 223 held out).
        Assert.InRange(result.Objective!.Value, 0.85, 0.95);
        Assert.Contains(result.Metrics, m => m is { Name: "val_error", Untrusted: false } && m.Value == result.Objective);
    }

    private static void AssertSucceeded(SandboxResult result) =>
        Assert.True(result.Status == ExperimentStatus.Succeeded, $"{result.Failure}: {result.Reason}\n{result.LogTail}");

    private async Task<(SandboxResult Result, string Campaign)> RunDigitsAsync(string trainPy, List<string>? scorerCommand = null)
    {
        var spec = BenchmarkLoader.Load(Path.Combine(RepoRoot(), "sandboxes", "benchmarks", "digits-mlp"));
        if (scorerCommand is not null)
        {
            spec = spec with { Scorer = spec.Scorer! with { Command = scorerCommand } };
        }

        var campaign = "test-" + Guid.NewGuid().ToString("N")[..12];
        var request = new SandboxRequest
        {
            CampaignId = campaign,
            ExperimentId = "redteam-1",
            Benchmark = spec,
            Parameters = spec.Defaults(),
            Seed = 3,
            EditedFiles = new Dictionary<string, string> { ["train.py"] = trainPy },
        };
        var result = await _runner.RunAsync(request, null, null, CancellationToken.None);
        Log(result);
        return (result, campaign);
    }

    private async Task<SandboxResult> RunAsync(BenchmarkSpec spec, string campaign)
    {
        var result = await _runner.RunAsync(
            new SandboxRequest { CampaignId = campaign, ExperimentId = "redteam-" + Guid.NewGuid().ToString("N")[..6], Benchmark = spec, Parameters = spec.Defaults(), Seed = 5 },
            null, null, CancellationToken.None);
        Log(result);
        return result;
    }

    /// <summary>A copy of <paramref name="spec"/>'s folder in <paramref name="folder"/> (which already holds extra files), the spec pointing there.</summary>
    private static BenchmarkSpec CopyBenchmark(BenchmarkSpec spec, string folder)
    {
        foreach (var file in spec.Files.Concat(spec.Scorer?.Files ?? []).Distinct())
        {
            var source = Path.Combine(spec.Directory, file);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(folder, file), overwrite: true);
            }
        }

        return spec with { Directory = folder };
    }

    private void Log(SandboxResult result)
    {
        _output.WriteLine($"{result.Status} {result.Failure} objective={result.Objective} reason={result.Reason}");
        _output.WriteLine($"notes: {string.Join(" | ", result.Notes)}");
        _output.WriteLine($"tail: {(result.LogTail.Length > 3000 ? result.LogTail[^3000..] : result.LogTail)}");
    }

    private static string RepoRoot()
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
}
