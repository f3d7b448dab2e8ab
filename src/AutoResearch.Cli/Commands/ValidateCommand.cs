using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;
using AutoResearch.Host.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch validate benchmark.yaml|campaign.yaml</c>: loads the file, checks the images and the command's files, runs the
/// baseline once in a real sandbox and prints its metric and wall time. Exit 0: ready; 2: bad input (every problem listed);
/// 1: the baseline run failed (its reason printed).
/// </summary>
public static partial class ValidateCommand
{
    public static Command Create(Option<string?> data)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description = "A benchmark (benchmark.yaml or its folder) or a campaign file (one with a top-level 'benchmark:' key).",
        };
        var command = new Command("validate", "Check a benchmark or campaign (images, files) and run its baseline once in the sandbox.") { file };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(parse.GetRequiredValue(file), parse.GetValue(data), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(FileInfo file, string? dataDirectory, CancellationToken cancellationToken)
    {
        BenchmarkSpec benchmark;
        try
        {
            benchmark = IsCampaignFile(file.FullName)
                ? CampaignLoader.Load(file.FullName).Benchmark
                : BenchmarkLoader.Load(file.FullName);
        }
        catch (SpecValidationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        using var host = CliHost.BuildSandboxes(dataDirectory);
        await host.StartAsync(cancellationToken);
        try
        {
            var images = host.Services.GetRequiredService<ISandboxImages>();
            var problems = await PreflightAsync(benchmark, images, cancellationToken);
            if (problems is null)
                return 1;
            if (problems.Count > 0)
            {
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, problems));
                return 2;
            }

            var file0 = BenchmarkLoader.ResolveFile(benchmark.Directory);
            await Console.Out.WriteLineAsync($"benchmark {benchmark.Name} ({file0})");
            await Console.Out.WriteLineAsync($"  image {benchmark.Image}: on the Docker host");
            if (benchmark.Scorer is { } scorer)
                await Console.Out.WriteLineAsync($"  scorer: {string.Join(' ', scorer.Command)} in {scorer.Image ?? benchmark.Image} (files: {string.Join(", ", scorer.Files)})");
            await Console.Out.WriteLineAsync($"  command: {string.Join(' ', benchmark.Command)} (files: {string.Join(", ", benchmark.Files)})");
            await Console.Out.WriteLineAsync($"  running the baseline once (time limit {benchmark.TimeLimit.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s) ...");

            var runner = host.Services.GetRequiredService<ISandboxRunner>();
            var result = await runner.RunAsync(new SandboxRequest
            {
                CampaignId = "validate",
                ExperimentId = benchmark.Name + "-baseline",
                Benchmark = benchmark,
                Parameters = benchmark.Defaults(),
                Seed = benchmark.FixedSeed ?? 0,
                Split = EvaluationSplit.Tuning,
            }, onStarted: null, onMetric: null, cancellationToken);

            var wall = result.EndedAt - result.StartedAt;
            var wallText = wall.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            if (result.Status != ExperimentStatus.Succeeded || result.Objective is not { } objective)
            {
                await Console.Error.WriteLineAsync($"{file0}: the baseline run {result.Status.ToString().ToLowerInvariant()} after {wallText} s ({result.Failure}): {result.Reason ?? "no objective reported"}");
                return 1;
            }

            var cpuSeconds = wall.TotalSeconds * benchmark.Resources.Cpus;
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  baseline {benchmark.Metric.Name} = {objective:R} ({benchmark.Metric.Direction.ToString().ToLowerInvariant()})"));
            await Console.Out.WriteLineAsync($"  wall time: {wallText} s");
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  peak memory: not measured (the sandbox runner does not report it; the limit is {benchmark.Resources.MemoryMb} MB); CPU charged: {cpuSeconds:0.00} CPU-seconds (wall time x {benchmark.Resources.Cpus:0.##} cpus)"));
            foreach (var note in result.Notes)
                await Console.Out.WriteLineAsync($"  note: {note}");
            await Console.Out.WriteLineAsync("OK");
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The checks <c>run</c> and <c>validate</c> share (<see cref="BenchmarkPreflight"/>); null when the Docker host could not be
    /// asked (the reason is printed on stderr).
    /// </summary>
    internal static async Task<IReadOnlyList<SpecError>?> PreflightAsync(BenchmarkSpec benchmark, ISandboxImages images, CancellationToken cancellationToken)
    {
        try
        {
            return await BenchmarkPreflight.CheckAsync(benchmark, images, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return null;
        }
    }

    /// <summary>A campaign file has a top-level <c>benchmark:</c> key; a benchmark file (or folder) does not.</summary>
    private static bool IsCampaignFile(string path)
    {
        if (Directory.Exists(path) || !File.Exists(path))
            return false;
        var name = Path.GetFileName(path);
        if (name.Equals(BenchmarkLoader.FileName, StringComparison.OrdinalIgnoreCase) || name.Equals("benchmark.yml", StringComparison.OrdinalIgnoreCase))
            return false;
        return File.ReadLines(path).Any(line => CampaignKey().IsMatch(line));
    }

    [GeneratedRegex(@"^benchmark\s*:")]
    private static partial Regex CampaignKey();
}
