using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;
using AutoResearch.Proposers;

namespace AutoResearch.Bench.Proposers.Real;

/// <summary>
/// The default team's proposers on the real benchmarks (bench/real/benchmarks), in process: an approximation of a
/// campaign without the CLI, Docker, the noise rule or confirmations. Per benchmark and seed: the baseline (defaults)
/// runs <c>baseline_runs</c> times (the campaign's noise measurement, each with its own seed), then the agents of the
/// campaign file take turns by weight (stride scheduling) on the shared history, with <c>slots</c> experiments in flight
/// (a proposal sees the others as pending; runs finish in the order they started), until <c>experiments</c> runs in
/// all. The objective runs in one long-lived python3 worker per benchmark (bench/real/worker.py).
/// Writes one JSON file per benchmark in the shape of bench/real/optuna_runner.py (method = the label), so
/// bench/real/combine.py scores it against Optuna's runs.
/// </summary>
public static class RealBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string root = FindRoot();
        string campaignFile = Path.Combine(root, "campaigns", "demo.yaml");
        string benchmarks = "forest-cancer,gbr-diabetes,knn-digits,mlp-wine,sgd-cancer,svm-digits";
        int[] seeds = [1, 2, 3, 4, 5, 6, 7];
        int experiments = 30;
        string label = "autoresearch";
        string? method = null; // null: the campaign's team; otherwise one agent of this strategy
        string outDir = Path.Combine(root, "bench", "real", "inproc", "raw");
        string python = Environment.GetEnvironmentVariable("PYTHON") ?? "/usr/bin/python3";
        var overrides = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--campaign": campaignFile = args[++i]; break;
                case "--benchmarks": benchmarks = args[++i]; break;
                case "--seeds": seeds = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                case "--experiments": experiments = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--label": label = args[++i]; break;
                case "--method": method = args[++i]; break;
                case "--out": outDir = args[++i]; break;
                case "--set":
                    string[] kv = args[++i].Split('=', 2);
                    overrides[kv[0]] = kv[1];
                    break;
                default:
                    Console.Error.WriteLine($"real: unknown argument '{args[i]}' (--campaign, --benchmarks, --seeds, --experiments, --label, --method, --out, --set key=value)");
                    return 2;
            }
        }

        CampaignSpec campaign = CampaignLoader.Load(campaignFile);
        List<AgentSpec> team = method is null
            ? campaign.Agents
            : [new AgentSpec { Id = method, Role = method, Proposer = method, Seed = 11 }];
        team = team.Select(a =>
        {
            var settings = new Dictionary<string, string>(a.Settings, StringComparer.Ordinal);
            foreach (var kv in overrides)
            {
                settings[kv.Key] = kv.Value;
            }

            return a with { Settings = settings };
        }).ToList();
        int slots = Math.Max(1, campaign.Slots);
        int baselineRuns = Math.Max(1, campaign.Noise.BaselineRuns);
        Directory.CreateDirectory(outDir);
        var factory = new ProposerFactory();
        foreach (string name in benchmarks.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string folder = Path.Combine(root, "bench", "real", "benchmarks", name);
            BenchmarkSpec spec = BenchmarkLoader.Load(folder);
            bool maximize = spec.Metric.Direction == Direction.Maximize;
            using var worker = new ObjectiveWorker(python, Path.Combine(root, "bench", "real", "worker.py"), folder);
            var runs = new JsonArray();
            foreach (int seed in seeds)
            {
                var clock = Stopwatch.StartNew();
                JsonObject run = await OneCampaignAsync(spec, team, factory, worker, seed, experiments, slots, baselineRuns, maximize, label);
                runs.Add(run);
                Console.Error.WriteLine($"{name} {label} seed {seed}: best {run["best"]} ({run["ok"]}/{experiments} ok, {clock.Elapsed.TotalSeconds:F1}s)");
            }

            var file = new JsonObject { ["harness"] = "inproc", ["team"] = method ?? Path.GetFileName(campaignFile), ["runs"] = runs };
            File.WriteAllText(Path.Combine(outDir, $"{label}-{name}.json"), file.ToJsonString());
        }

        return 0;
    }

    private static async Task<JsonObject> OneCampaignAsync(BenchmarkSpec spec, List<AgentSpec> team, ProposerFactory factory,
        ObjectiveWorker worker, int seed, int experiments, int slots, int baselineRuns, bool maximize, string label)
    {
        var proposers = team.Select(a => factory.Create(a)).ToList();
        var rounds = new int[team.Count];
        var pass = new double[team.Count];
        var history = new List<Observation>();
        var trials = new JsonArray();
        var inflight = new Queue<(Dictionary<string, string> Params, string Proposer, string Agent)>();
        double? best = null;
        int bestTrial = -1;
        int started = 0;
        int ok = 0;
        var defaults = spec.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);

        async Task FinishOldestAsync()
        {
            var (p, proposer, agent) = inflight.Dequeue();
            int trial = history.Count;
            int trialSeed = (int)((seed * 1000003L + trial) & 0x7FFFFFFF);
            (double? value, string? error) = await worker.EvaluateAsync(p, trialSeed);
            history.Add(new Observation { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(p), Objective = value, Proposer = proposer });
            if (value is double v)
            {
                ok++;
                if (best is null || (maximize ? v > best : v < best))
                {
                    best = v;
                    bestTrial = trial;
                }
            }

            trials.Add(new JsonObject
            {
                ["trial"] = trial, ["agent"] = agent, ["proposer"] = proposer,
                ["params"] = new JsonObject(p.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
                ["value"] = value, ["status"] = value is null ? "failed" : "succeeded", ["error"] = error,
            });
        }

        // The baseline and its noise repeats come first; the agents start once they are done.
        for (int b = 0; b < baselineRuns && started < experiments; b++, started++)
        {
            inflight.Enqueue((new Dictionary<string, string>(defaults, StringComparer.Ordinal), b == 0 ? "baseline" : "repeat", "campaign"));
            await FinishOldestAsync();
        }

        while (started < experiments)
        {
            // Stride scheduling by agent weight: the agent furthest behind its share goes next.
            int a = Enumerable.Range(0, team.Count).MinBy(i => (pass[i], i));
            pass[a] += 1.0 / Math.Max(1e-6, team[a].Weight);
            LeaderboardEntry? leader = bestTrial < 0 ? null : new LeaderboardEntry
            {
                CampaignId = "inproc", Index = 1, ExperimentId = $"e{bestTrial}", Sequence = bestTrial + 1, AgentId = "?",
                Objective = best!.Value, Parameters = history[bestTrial].Parameters, AcceptedAt = DateTimeOffset.UnixEpoch,
            };
            var context = new ProposalContext
            {
                Benchmark = spec,
                History = history.ToList(),
                Pending = inflight.Select(f => AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(f.Params)).ToList(),
                Seed = seed * 1000 + team[a].Seed,
                Round = rounds[a]++,
                Settings = team[a].Settings,
                Best = leader,
            };
            Proposal proposal = await proposers[a].ProposeAsync(context, CancellationToken.None);
            var parameters = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
            foreach (var kv in proposal.Parameters)
            {
                parameters[kv.Key] = kv.Value.Text;
            }

            inflight.Enqueue((parameters, proposal.ProposerName, team[a].Id));
            started++;
            if (inflight.Count >= slots)
            {
                await FinishOldestAsync();
            }
        }

        while (inflight.Count > 0)
        {
            await FinishOldestAsync();
        }

        return new JsonObject
        {
            ["benchmark"] = spec.Name, ["method"] = label, ["seed"] = seed, ["trials"] = trials, ["best"] = best, ["ok"] = ok,
            ["answer"] = bestTrial < 0 ? null : new JsonObject { ["value"] = best, ["runs"] = 1 },
        };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("real: run from inside the repository (no AutoResearch.sln above the current folder).");
    }
}

/// <summary>One python3 process that imported the benchmark's objective, answering one JSON line per evaluation.</summary>
internal sealed class ObjectiveWorker : IDisposable
{
    private readonly Process process;

    public ObjectiveWorker(string python, string script, string folder)
    {
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(folder);
        process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {python}");
        string? ready = process.StandardOutput.ReadLine();
        if (ready is null || !ready.Contains("\"ready\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"worker for {folder} did not start: '{ready}'");
        }
    }

    public async Task<(double? Value, string? Error)> EvaluateAsync(Dictionary<string, string> parameters, int seed)
    {
        string request = JsonSerializer.Serialize(new { @params = parameters, seed });
        await process.StandardInput.WriteLineAsync(request);
        await process.StandardInput.FlushAsync();
        string line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("worker exited");
        JsonNode answer = JsonNode.Parse(line)!;
        return answer["value"] is JsonNode v ? (v.GetValue<double>(), null) : (null, answer["error"]?.GetValue<string>());
    }

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
