using System.CommandLine;
using System.Globalization;
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
public static class ValidateCommand
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
        var loaded = CampaignLaunch.LoadBenchmark(file.FullName);
        if (!loaded.Ok)
            return await FailAsync(loaded);
        var benchmark = loaded.Value!;

        using var host = CliHost.BuildSandboxes(dataDirectory);
        await host.StartAsync(cancellationToken);
        try
        {
            var benchmarkFile = BenchmarkLoader.ResolveFile(benchmark.Directory);
            var validated = await ActivatorUtilities.CreateInstance<CampaignLaunch>(host.Services).ValidateAsync(benchmark, async ready =>
            {
                await Console.Out.WriteLineAsync($"benchmark {ready.Name} ({benchmarkFile})");
                await Console.Out.WriteLineAsync($"  image {ready.Image}: on the Docker host");
                if (ready.Scorer is { } scorer)
                    await Console.Out.WriteLineAsync($"  scorer: {string.Join(' ', scorer.Command)} in {scorer.Image ?? ready.Image} (files: {string.Join(", ", scorer.Files)})");
                await Console.Out.WriteLineAsync($"  command: {string.Join(' ', ready.Command)} (files: {string.Join(", ", ready.Files)})");
                await Console.Out.WriteLineAsync($"  running the baseline once (time limit {ready.TimeLimit.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s) ...");
            }, cancellationToken);
            if (!validated.Ok)
                return await FailAsync(validated);

            var check = validated.Value!;
            var result = check.Result;
            var wallText = check.Wall.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            if (!check.Passed)
            {
                await Console.Error.WriteLineAsync($"{benchmarkFile}: the baseline run {result.Status.ToString().ToLowerInvariant()} after {wallText} s ({result.Failure}): {result.Reason ?? "no objective reported"}");
                return 1;
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  baseline {benchmark.Metric.Name} = {result.Objective!.Value:R} ({benchmark.Metric.Direction.ToString().ToLowerInvariant()})"));
            await Console.Out.WriteLineAsync($"  wall time: {wallText} s");
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  peak memory: not measured (the sandbox runner does not report it; the limit is {benchmark.Resources.MemoryMb} MB); CPU charged: {check.CpuSeconds:0.00} CPU-seconds (wall time x {benchmark.Resources.Cpus:0.##} cpus)"));
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

    /// <summary>Prints why a file cannot be validated or run: every problem (exit 2), or why the Docker host could not be asked (exit 1).</summary>
    internal static async Task<int> FailAsync<T>(OperationResult<T> failed)
    {
        if (failed.Failure == OperationFailure.Conflict)
        {
            await Console.Error.WriteLineAsync(failed.Conflict);
            return 1;
        }
        await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, (failed.Problems ?? []).Select(p => p.Message)));
        return 2;
    }
}
