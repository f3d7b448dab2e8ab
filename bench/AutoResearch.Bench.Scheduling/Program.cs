using System.Globalization;
using System.Text;
using AutoResearch.Bench.Scheduling;
using AutoResearch.Harness;

// Slot utilization and scheduling overhead per experiment: the same short containers started back to back by K plain
// loops of DockerSandboxRunner calls (no grains, no ledger, no proposals), and by a real campaign through the CLI.
//   dotnet run --project bench/AutoResearch.Bench.Scheduling -c Release -- [loop|campaign|both] [--experiments 40] [--slots 2] [--seconds 1]
BenchOptions options;
var root = RepositoryRoot.Find();
try
{
    options = BenchOptions.Parse(args, root);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var commandLine = "dotnet run --project bench/AutoResearch.Bench.Scheduling -c Release -- " + string.Join(' ', args.Length == 0 ? ["both"] : args);
var started = DateTime.UtcNow;
var sides = new List<Measurement>();
if (options.Mode is "loop" or "both")
{
    var benchmark = BenchmarkLoader.Load(Path.Combine(Path.GetDirectoryName(options.CampaignFile)!, CampaignLoader.Load(options.CampaignFile).Benchmark.Name));
    Console.Error.WriteLine($"loop: {options.Experiments} runs of '{benchmark.Name}' ({options.Seconds:0.###} s each) on {options.Slots} concurrent loops …");
    sides.Add(await PlainLoop.RunAsync(benchmark, options.Experiments, options.Slots, options.Seconds));
}
if (options.Mode is "campaign" or "both")
{
    Console.Error.WriteLine($"campaign: {options.CampaignFile} through the CLI …");
    sides.Add(await CampaignRun.RunAsync(options));
}

var text = new StringBuilder();
text.AppendLine(CultureInfo.InvariantCulture, $"### Scheduling overhead, {started:yyyy-MM-dd HH:mm} UTC");
text.AppendLine();
text.AppendLine(CultureInfo.InvariantCulture, $"- command: `{commandLine}` (or `bash bench/scheduling/run.sh`)");
text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
text.AppendLine(CultureInfo.InvariantCulture, $"- runs: `bench/scheduling/short`, every container sleeps {options.Seconds:0.###} s (BENCH_RUN_SECONDS), 1 CPU each; campaign `{Path.GetRelativePath(root, options.CampaignFile)}`");
text.AppendLine();
text.AppendLine("| | experiments | slots | makespan s | Σ container run s | mean run s | ideal makespan s | overhead per experiment s | utilization (container run) | utilization (slot held) | campaign's reported utilization |");
text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
foreach (var m in sides) text.AppendLine(Row(m));
text.AppendLine();
text.AppendLine("makespan: first container start to last container end; ideal makespan: Σ container run ÷ slots; overhead per experiment: " +
                "(slots × makespan − Σ container run) ÷ experiments; utilization: Σ container run ÷ (slots × makespan). " +
                "The campaign's reported utilization is its --json `utilization` (slot-held time over slots × the whole campaign window).");
foreach (var m in sides)
{
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"{m.Name}:");
    foreach (var note in m.Notes)
        text.AppendLine(note.StartsWith("  ", StringComparison.Ordinal) ? $"  - {note.TrimStart()}" : $"- {note}");
}

Console.WriteLine(text);
if (options.Save)
{
    var results = Path.Combine(root, "bench", "scheduling", "results");
    Directory.CreateDirectory(results);
    var file = Path.Combine(results, $"{started:yyyyMMdd-HHmmss}-{options.Mode}.md");
    await File.WriteAllTextAsync(file, text.ToString());
    Console.Error.WriteLine($"written to {Path.GetRelativePath(root, file)}");
}
return 0;

static string Row(Measurement m) =>
    $"| {m.Name} | {m.Experiments} | {m.Slots} | {Program.Invariant(m.Makespan, "F1")} | {Program.Invariant(m.RunSeconds, "F1")} | {Program.Invariant(m.MeanRun, "F3")} | " +
    $"{Program.Invariant(m.IdealMakespan, "F1")} | {Program.Invariant(m.OverheadPerExperiment, "F3")} | {Program.Invariant(m.Utilization, "F3")} | " +
    $"{(m.SlotUtilization is { } s ? Program.Invariant(s, "F3") : "—")} | {(m.ReportedUtilization is { } r ? Program.Invariant(r, "F3") : "—")} |";

internal static partial class Program
{
    /// <summary>Sandbox environment variable short.py reads for its run length.</summary>
    public const string RunSecondsVariable = "BENCH_RUN_SECONDS";

    public static string Invariant(double value, string format = "R") => value.ToString(format, CultureInfo.InvariantCulture);
}
