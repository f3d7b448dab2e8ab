using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Bench.Scheduling;
using AutoResearch.Harness;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.DependencyInjection;

// Slot utilization and scheduling overhead per experiment: the same containers run back to back by a plain loop of
// K concurrent DockerSandboxRunner calls (no grains, no ledger, no proposals) and by a real campaign through the CLI.
var root = RepositoryRoot.Find();
var experiments = Arg(args, "--experiments", 40);
var slots = Arg(args, "--slots", 2);
var campaignFile = Path.Combine(root, "bench", "scheduling", "campaign.yaml");
var spec = CampaignLoader.Load(campaignFile);
if (spec.MaxExperiments != experiments || spec.Slots != slots)
{
    Console.Error.WriteLine($"note: {campaignFile} runs {spec.MaxExperiments} experiments on {spec.Slots} slots; the loop uses the same numbers.");
    experiments = spec.MaxExperiments;
    slots = spec.Slots;
}

Console.Error.WriteLine($"loop: {experiments} runs of benchmark '{spec.Benchmark.Name}' on {slots} concurrent loops …");
var loop = await PlainLoop.RunAsync(spec.Benchmark, experiments, slots);
Console.Error.WriteLine($"campaign: {campaignFile} through the CLI …");
var campaign = await CampaignRun.RunAsync(root, campaignFile, slots);

var runSeconds = loop.RunSeconds / loop.Experiments;
var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"Scheduling overhead, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, `bash bench/scheduling/run.sh`");
table.AppendLine();
table.AppendLine("| | experiments | slots | makespan s | Σ container run s | mean run s | ideal makespan s | overhead per experiment s | utilization (container run) | utilization (slot held) |");
table.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
table.AppendLine(Row("plain loop", loop, runSeconds, slots));
table.AppendLine(Row("campaign", campaign, runSeconds, slots));
table.AppendLine();
table.AppendLine(CultureInfo.InvariantCulture,
    $"Campaign summary (--json): utilization {campaign.ReportedUtilization:F3}, {campaign.Experiments} experiments, wall time of the CLI process {campaign.ProcessSeconds:F1} s.");
Console.WriteLine(table);
var results = Path.Combine(root, "bench", "scheduling", "results");
Directory.CreateDirectory(results);
var file = Path.Combine(results, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
await File.WriteAllTextAsync(file, table.ToString());
Console.Error.WriteLine($"written to {file}");
return 0;

static string Row(string name, Measurement m, double meanRun, int slots) =>
    string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {m.Experiments} | {slots} | {m.Makespan:F1} | {m.RunSeconds:F1} | {m.RunSeconds / m.Experiments:F2} | {m.Experiments * meanRun / slots:F1} | " +
        $"{(slots * m.Makespan - m.RunSeconds) / m.Experiments:F2} | {m.RunSeconds / (slots * m.Makespan):F3} | {(m.SlotSeconds is { } s ? (s / (slots * m.Makespan)).ToString("F3", CultureInfo.InvariantCulture) : "—")} |");

static int Arg(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
