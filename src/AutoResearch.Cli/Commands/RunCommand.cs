using System.CommandLine;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Cli.Display;
using AutoResearch.Harness;
using AutoResearch.Host.Operations;
using AutoResearch.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace AutoResearch.Cli.Commands;

/// <summary><c>autoresearch run campaign.yaml</c>: runs (or resumes) a campaign on the embedded host with a live display.</summary>
public static class RunCommand
{
    public static Command Create(Option<string?> data)
    {
        var file = new Argument<FileInfo>("campaign") { Description = "The campaign file (campaign.yaml)." };
        var json = new Option<bool>("--json") { Description = "Print a one-line JSON summary as the last line of stdout (progress goes to stderr)." };
        var fresh = new Option<bool>("--fresh") { Description = "Start a new campaign even if an unfinished one of the same name exists." };
        var command = new Command("run", "Run a campaign, or resume it if an earlier run of it was interrupted.") { file, json, fresh };
        command.SetAction((parse, cancellationToken) =>
            ExecuteAsync(parse.GetRequiredValue(file), parse.GetValue(json), parse.GetValue(fresh), parse.GetValue(data), cancellationToken));
        return command;
    }

    public static async Task<int> ExecuteAsync(FileInfo file, bool json, bool fresh, string? dataDirectory, CancellationToken cancellationToken)
    {
        var console = json ? ConsoleFactory.Stderr() : AnsiConsole.Console;
        var loaded = CampaignLaunch.LoadCampaign(file.FullName);
        if (!loaded.Ok)
            return await ValidateCommand.FailAsync(loaded);
        var spec = loaded.Value!;

        using var host = CliHost.BuildRuntime(dataDirectory);

        // Before the host starts (nothing is recorded): an image the Docker host lacks or a script the command names but the
        // sandbox would not get fails every experiment, so the campaign is refused (the same checks as `validate`).
        var preflight = await CampaignLaunch.PreflightAsync(spec.Benchmark, host.Services.GetRequiredService<ISandboxImages>(), cancellationToken);
        if (!preflight.Ok)
            return await FailAsync(file.Name, preflight);

        await host.StartAsync(cancellationToken);
        var services = host.Services;
        var ledger = services.GetRequiredService<ILedger>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var started = await ActivatorUtilities.CreateInstance<CampaignLaunch>(services).StartAsync(spec, fresh, cancellationToken);
        if (!started.Ok)
        {
            await FailAsync(file.Name, started);
            await host.StopAsync(CancellationToken.None);
            return 2;
        }

        var (id, resumed, status) = started.Value!;
        var campaign = grains.GetGrain<ICampaignGrain>(id);
        console.MarkupLine(resumed
            ? $"[yellow]Resuming[/] campaign [bold]{Markup.Escape(id)}[/]"
            : $"Starting campaign [bold]{Markup.Escape(id)}[/] ({Markup.Escape(spec.Benchmark.Name)}, {spec.Agents.Count} agents)");

        try
        {
            status = await LiveProgress.WatchAsync(console, grains, services.GetRequiredService<AutoResearch.Grains.Fleets.FleetDirectory>(), campaign, status, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine($"[yellow]Interrupted.[/] Run the same command again to resume campaign {Markup.Escape(id)}.");
            await host.StopAsync(CancellationToken.None);
            return 130;
        }

        status = await WaitForRunningAsync(console, campaign, status, spec.Benchmark.TimeLimit + TimeSpan.FromSeconds(30), cancellationToken);
        var report = status.ReportMarkdown is { } md && status.ReportHtml is { } html ? new ReportFiles(md, html) : null;
        var summary = await CampaignSummaryBuilder.BuildAsync(ledger, status, report, status.Slots, cancellationToken: CancellationToken.None);
        SummaryView.Write(console, status, summary);
        await host.StopAsync(CancellationToken.None);
        if (json)
            await Console.Out.WriteLineAsync(summary.ToJson());
        if (summary.Experiments > 0 && summary.Failed == summary.Experiments)
        {
            await Console.Error.WriteLineAsync($"Every experiment of campaign {id} failed ({summary.Failed} of {summary.Experiments}); see `autoresearch report {id}` for their reasons.");
            return AllFailedExitCode;
        }
        return status.State == CampaignState.Completed ? 0 : 1;
    }

    /// <summary>
    /// Prints why the loaded campaign cannot start (under "cannot start") and returns the exit code: 2 for bad input, 1 when the
    /// Docker host could not be asked.
    /// </summary>
    private static async Task<int> FailAsync<T>(string fileName, OperationResult<T> failed)
    {
        if (failed.Failure != OperationFailure.Invalid)
            return await ValidateCommand.FailAsync(failed);
        // An agent's problem is indented under the headline; a file's problem names its file and field.
        var problems = string.Join(Environment.NewLine, (failed.Problems ?? []).Select(p => p.Field == OperationField.Agent ? "  " + p.Message : p.Message));
        await Console.Error.WriteLineAsync($"{fileName}: cannot start:{Environment.NewLine}{problems}");
        return 2;
    }

    /// <summary>Exit code of a campaign that ran, in which every experiment failed.</summary>
    public const int AllFailedExitCode = 4;

    /// <summary>
    /// A stopped campaign lets its running experiments finish: wait for them (at most <paramref name="limit"/>) so their
    /// results are recorded before the host shuts down.
    /// </summary>
    private static async Task<CampaignStatus> WaitForRunningAsync(IAnsiConsole console, ICampaignGrain campaign, CampaignStatus status, TimeSpan limit, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + limit;
        var said = false;
        while (status.Launched > status.Finished && DateTime.UtcNow < until && !cancellationToken.IsCancellationRequested)
        {
            if (!said)
            {
                console.MarkupLine($"Waiting for {status.Launched - status.Finished} running experiment(s) to finish …");
                said = true;
            }
            await Task.Delay(500, CancellationToken.None);
            status = await campaign.GetStatus();
        }
        return status;
    }
}
