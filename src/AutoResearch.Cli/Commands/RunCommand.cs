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
        Abstractions.Specs.CampaignSpec spec;
        try
        {
            spec = CampaignLoader.Load(file.FullName);
        }
        catch (SpecValidationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        using var host = CliHost.BuildRuntime(dataDirectory);

        // Before the host starts (nothing is recorded): an image the Docker host lacks or a script the command names but the
        // sandbox would not get fails every experiment, so the campaign is refused (the same checks as `validate`).
        var problems = await ValidateCommand.PreflightAsync(spec.Benchmark, host.Services.GetRequiredService<ISandboxImages>(), cancellationToken);
        if (problems is null)
            return 1;
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{file.Name}: cannot start:{Environment.NewLine}" + string.Join(Environment.NewLine, problems));
            return 2;
        }

        await host.StartAsync(cancellationToken);
        var services = host.Services;
        var ledger = services.GetRequiredService<ILedger>();
        var clock = services.GetRequiredService<TimeProvider>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var proposers = services.GetRequiredService<IProposerFactory>();
        var unusable = spec.Agents.Select(proposers.WhyNotUsable).OfType<string>().ToList();
        if (unusable.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{file.Name}: cannot start:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", unusable));
            await host.StopAsync(CancellationToken.None);
            return 2;
        }

        var (id, resumed) = await CampaignIds.ResolveAsync(ledger, spec, fresh, clock.GetUtcNow(), cancellationToken);
        var campaign = grains.GetGrain<ICampaignGrain>(id);
        console.MarkupLine(resumed
            ? $"[yellow]Resuming[/] campaign [bold]{Markup.Escape(id)}[/]"
            : $"Starting campaign [bold]{Markup.Escape(id)}[/] ({Markup.Escape(spec.Benchmark.Name)}, {spec.Agents.Count} agents)");
        var status = await campaign.Start(spec);

        try
        {
            status = await LiveProgress.WatchAsync(console, grains, campaign, status, cancellationToken);
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
