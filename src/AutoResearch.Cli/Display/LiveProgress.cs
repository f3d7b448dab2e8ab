using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Grains;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AutoResearch.Cli.Display;

/// <summary>Shows a running campaign until it ends: a live table on terminals, a line per finished experiment elsewhere.</summary>
public static class LiveProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task<CampaignStatus> WatchAsync(IAnsiConsole console, IGrainFactory grains, ICampaignGrain campaign, CampaignStatus status, CancellationToken cancellationToken)
    {
        if (status.IsTerminal) return status;
        if (!console.Profile.Capabilities.Interactive)
            return await WatchPlainAsync(console, campaign, status, cancellationToken);

        await console.Live(Render(status, [], null)).AutoClear(false).StartAsync(async context =>
        {
            while (!status.IsTerminal)
            {
                await Task.Delay(Interval, cancellationToken);
                status = await campaign.GetStatus();
                var agents = await AgentStatusesAsync(grains, status);
                var fleet = await grains.GetGrain<IFleetGrain>(Names.LocalFleet).GetStatus();
                context.UpdateTarget(Render(status, agents, fleet));
            }
        });
        return status;
    }

    private static async Task<CampaignStatus> WatchPlainAsync(IAnsiConsole console, ICampaignGrain campaign, CampaignStatus status, CancellationToken cancellationToken)
    {
        var lastFinished = -1;
        while (!status.IsTerminal)
        {
            if (status.Finished != lastFinished)
            {
                lastFinished = status.Finished;
                console.WriteLine(Line(status));
            }
            await Task.Delay(Interval, cancellationToken);
            status = await campaign.GetStatus();
        }
        console.WriteLine(Line(status));
        return status;
    }

    private static async Task<IReadOnlyList<AgentStatus>> AgentStatusesAsync(IGrainFactory grains, CampaignStatus status)
    {
        var tasks = status.Agents.Select(a => grains.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(status.Id, a.Id)).GetStatus());
        return await Task.WhenAll(tasks);
    }

    /// <summary>One plain line of progress, for logs and non-interactive terminals.</summary>
    public static string Line(CampaignStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"[{DateTime.Now:HH:mm:ss}] {s.Id} {s.State.ToString().ToLowerInvariant()}: {s.Finished}/{s.MaxExperiments} finished " +
        $"({s.Succeeded} ok, {s.Failed} failed, {s.Launched - s.Finished} running), " +
        $"{s.MetricName} baseline {Fmt(s.Baseline)} best {Fmt(s.Best)}");

    private static IRenderable Render(CampaignStatus s, IReadOnlyList<AgentStatus> agents, FleetStatus? fleet)
    {
        var now = DateTimeOffset.UtcNow;
        var elapsed = s.StartedAt is { } started ? now - started : TimeSpan.Zero;
        var left = s.Deadline is { } deadline ? deadline - now : TimeSpan.Zero;
        var done = s.MaxExperiments == 0 ? 0 : (double)s.Finished / s.MaxExperiments;

        var header = new Grid().AddColumn().AddColumn();
        header.AddRow(new Markup($"[bold]{Markup.Escape(s.Id)}[/]"), new Markup($"[grey]{s.State}[/]"));
        header.AddRow(new Markup("experiments"), new Markup(
            $"{Bar(done)} {s.Finished}/{s.MaxExperiments}  [green]{s.Succeeded} ok[/]  [red]{s.Failed} failed[/]  {s.Launched - s.Finished} running"));
        header.AddRow(new Markup(Markup.Escape(s.MetricName)), new Markup(
            $"baseline [bold]{Fmt(s.Baseline)}[/] → best [bold green]{Fmt(s.Best)}[/] ({s.Direction.ToString().ToLowerInvariant()})"));
        header.AddRow(new Markup("time"), new Markup($"{elapsed:hh\\:mm\\:ss} elapsed, {(left > TimeSpan.Zero ? left : TimeSpan.Zero):hh\\:mm\\:ss} to deadline"));
        if (fleet is not null)
            header.AddRow(new Markup("sandboxes"), new Markup($"{fleet.Busy}/{fleet.Slots} slots busy, {fleet.Waiting} waiting"));

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumns("agent", "role", "proposer", "runs", "best", "CPU-s used / budget", "doing");
        foreach (var a in agents.Count > 0 ? agents : s.Agents)
        {
            var budget = a.CpuBudgetSeconds > 0 ? $"{a.CpuSecondsUsed:F0} / {a.CpuBudgetSeconds:F0}" : $"{a.CpuSecondsUsed:F0}";
            table.AddRow(Markup.Escape(a.Id), Markup.Escape(a.Role), Markup.Escape(a.Proposer), a.Experiments.ToString(CultureInfo.InvariantCulture),
                Fmt(a.Best), budget, Markup.Escape(Truncate(a.Activity, 60)));
        }
        return new Rows(new Panel(header).Header("AutoResearch").Border(BoxBorder.Rounded), table);
    }

    private static string Bar(double fraction)
    {
        const int width = 24;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return $"[green]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/]";
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Fmt(double? value) => value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "–";
}
