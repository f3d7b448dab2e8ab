// Built-in proposers on synthetic functions, baseline-free protocol (empty history, N trials, S seeds).
// Usage: dotnet run --project bench/AutoResearch.Bench.Proposers -c Release -- [--trials 50] [--seeds 10]
//        [--methods gp,tpe,cmaes,random,portfolio] [--functions branin,hartmann6,...] [--set key=value] [--latency] [--out results.json]
using System.Diagnostics;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Bench.Proposers.Synthetic;
using AutoResearch.Proposers;

if (args.Length > 0 && args[0] == "real")
{
    return await AutoResearch.Bench.Proposers.Real.RealBench.RunAsync(args[1..]);
}

int trials = 50;
int seeds = 10;
string[] methods = ["gp", "tpe", "cmaes", "random", "portfolio"];
string[] functions = ["branin", "hartmann6", "hartmann6-noisy", "ackley5", "rosenbrock4", "rosenbrock4-std", "levy4", "styblinski8"];
bool latency = false;
string? outPath = null;
var settings = new Dictionary<string, string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--trials": trials = int.Parse(args[++i]); break;
        case "--seeds": seeds = int.Parse(args[++i]); break;
        case "--methods": methods = args[++i].Split(','); break;
        case "--functions": functions = args[++i].Split(','); break;
        case "--latency": latency = true; break;
        case "--out": outPath = args[++i]; break;
        case "--set":
            string[] kv = args[++i].Split('=', 2);
            settings[kv[0]] = kv[1];
            break;
        default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
    }
}

var factory = new ProposerFactory();
var results = new Dictionary<string, Dictionary<string, double[]>>();
var seconds = new Dictionary<string, double>();
var onBound = new Dictionary<string, double>();
foreach (string name in functions)
{
    SyntheticFunction function = SyntheticFunctions.ByName(name);
    results[name] = [];
    foreach (string method in methods)
    {
        IProposer proposer = factory.Create(new() { Id = "bench", Role = "bench", Proposer = method });
        var bests = new double[seeds];
        var clock = Stopwatch.StartNew();
        int proposals = 0;
        int bounded = 0;
        for (int s = 0; s < seeds; s++)
        {
            double[] trace = await OptimizationLoop.RunAsync(proposer, function, trials, seed: s, settings,
                onProposal: p =>
                {
                    proposals++;
                    bounded += OptimizationLoop.OnBound(function.Spec, p.Parameters.ToText()) ? 1 : 0;
                });
            bests[s] = trace[^1];
        }

        onBound[$"{name}/{method}"] = bounded / (double)proposals;

        seconds[$"{name}/{method}"] = clock.Elapsed.TotalSeconds;
        results[name][method] = bests;
        Console.Error.WriteLine($"{name,-10} {method,-7} median best {Median(bests):G6}  on a bound {onBound[$"{name}/{method}"]:P0}  ({clock.Elapsed.TotalSeconds:F1} s)");
    }
}

var latencyMs = new Dictionary<string, double>();
if (latency)
{
    SyntheticFunction h6 = SyntheticFunctions.Hartmann6();
    var rng = new Random(123);
    var sampler = new RandomSearchProposer();
    var history = new List<Observation>();
    for (int i = 0; i < 100; i++)
    {
        Proposal p = await sampler.ProposeAsync(new ProposalContext { Benchmark = h6.Spec, History = history.ToList(), Seed = rng.Next(), Round = i }, default);
        history.Add(new Observation { Parameters = p.Parameters, Objective = h6.Evaluate(p.Parameters.ToText()) });
    }

    foreach (string method in new[] { "gp", "tpe", "cmaes", "portfolio" })
    {
        IProposer proposer = factory.Create(new() { Id = "bench", Role = "bench", Proposer = method });
        foreach (int n in new[] { 50, 100 })
        {
            var ctx = new ProposalContext { Benchmark = h6.Spec, History = history.Take(n).ToList(), Seed = 1, Round = 0 };
            await proposer.ProposeAsync(ctx, default); // warm-up
            var times = new List<double>();
            var cpu = new List<double>();
            using var self = Process.GetCurrentProcess();
            for (int r = 0; r < 7; r++)
            {
                self.Refresh();
                TimeSpan cpu0 = self.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await proposer.ProposeAsync(ctx with { Round = r }, default);
                times.Add(clock.Elapsed.TotalMilliseconds);
                self.Refresh();
                cpu.Add((self.TotalProcessorTime - cpu0).TotalMilliseconds);
            }

            latencyMs[$"{method}@{n}"] = Median(times.ToArray());
            latencyMs[$"{method}@{n}/cpu"] = Median(cpu.ToArray());
            Console.Error.WriteLine($"latency {method} at {n} observations (hartmann6): median {latencyMs[$"{method}@{n}"]:F1} ms wall, {latencyMs[$"{method}@{n}/cpu"]:F1} ms CPU");
        }
    }
}

string json = JsonSerializer.Serialize(new { trials, seeds, results, seconds, on_bound = onBound, latency_ms = latencyMs }, new JsonSerializerOptions { WriteIndented = true });
if (outPath is null)
{
    Console.WriteLine(json);
}
else
{
    File.WriteAllText(outPath, json);
}

return 0;

static double Median(double[] values)
{
    double[] s = values.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
}
