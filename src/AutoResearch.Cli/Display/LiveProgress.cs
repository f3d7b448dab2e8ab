using System.Globalization;
using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Grains.Fleets;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AutoResearch.Cli.Display;

/// <summary>Shows a running campaign until it ends: a live table on terminals, a line per finished experiment elsewhere.</summary>
public static class LiveProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task<CampaignStatus> WatchAsync(IAnsiConsole console, IGrainFactory grains, FleetDirectory fleets, ICampaignGrain campaign, CampaignStatus status, CancellationToken cancellationToken)
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
                var fleet = await fleets.GetAsync(TimeSpan.FromSeconds(1));
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
        $"({s.Succeeded} ok, {s.Failed} failed, {s.Pruned} stopped early, {s.RunningAndQueued.Running} running, {s.RunningAndQueued.Queued} queued{(s.AwaitingApproval > 0 ? ", " + SummaryView.AwaitingText(s.AwaitingApproval, s.AwaitingApprovalSince) : "")}), " +
        $"{s.MetricName} baseline {Fmt(s.Baseline)} best {Fmt(s.Best)}{Confidence(s)}");

    private static string Confidence(CampaignStatus s) =>
        (s.BestRuns > 1 ? string.Create(CultureInfo.InvariantCulture, $" over {s.BestRuns} runs") : "") +
        (s.BestConfidence is { } c ? string.Create(CultureInfo.InvariantCulture, $", confidence {c:P0}") : "") +
        (s.Noise.IdenticalRepeats ? $", identical repeats (no confidence; min improvement {s.Noise.MinImprovement})"
            : s.NoiseStdDev is { } sd ? string.Create(CultureInfo.InvariantCulture, $", noise σ {sd:G3}") : "");

    private static IRenderable Render(CampaignStatus s, IReadOnlyList<AgentStatus> agents, ClusterFleetStatus? fleet)
    {
        var now = DateTimeOffset.UtcNow;
        var elapsed = s.StartedAt is { } started ? now - started : TimeSpan.Zero;
        var left = s.Deadline is { } deadline ? deadline - now : TimeSpan.Zero;
        var done = s.MaxExperiments == 0 ? 0 : (double)s.Finished / s.MaxExperiments;

        var header = new Grid().AddColumn().AddColumn();
        header.AddRow(new Markup($"[bold]{Markup.Escape(s.Id)}[/]"), new Markup($"[grey]{s.State}[/]"));
        header.AddRow(new Markup("experiments"), new Markup(
            $"{Bar(done)} {s.Finished}/{s.MaxExperiments}  [green]{s.Succeeded} ok[/]  [red]{s.Failed} failed[/]  [yellow]{s.Pruned} stopped early[/]  {s.RunningAndQueued.Running} running  {s.RunningAndQueued.Queued} queued{(s.AwaitingApproval > 0 ? "  [bold yellow]" + Markup.Escape(SummaryView.AwaitingText(s.AwaitingApproval, s.AwaitingApprovalSince)) + "[/]" : "")}"));
        header.AddRow(new Markup(Markup.Escape(s.MetricName)), new Markup(
            $"baseline [bold]{Fmt(s.Baseline)}[/] → best [bold green]{Fmt(s.Best)}[/] ({s.Direction.ToString().ToLowerInvariant()}){Markup.Escape(Confidence(s))}"));
        if (s.Budget.CpuSeconds > 0 || s.Budget.GpuSeconds > 0 || s.Budget.Tokens > 0)
            header.AddRow(new Markup("campaign budget"), new Markup(BudgetText(s.Used, s.Reserved, s.Budget)));
        header.AddRow(new Markup("time"), new Markup($"{elapsed:hh\\:mm\\:ss} elapsed, {(left > TimeSpan.Zero ? left : TimeSpan.Zero):hh\\:mm\\:ss} to deadline"));
        if (fleet is not null)
            header.AddRow(new Markup("sandboxes"), new Markup(Markup.Escape(fleet.Describe())));

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumns("agent", "role", "proposer", "state", "runs", "best", "budget: used (+reserved) / limit", "doing");
        foreach (var a in agents.Count > 0 ? agents : s.Agents)
        {
            var runs = a.Pruned > 0 ? $"{a.Experiments} ({a.Pruned} stopped early)" : a.Experiments.ToString(CultureInfo.InvariantCulture);
            if (a.Rejections > 0) runs += $" [yellow]+{a.Rejections} rejected[/]";
            table.AddRow(new Markup(Markup.Escape(a.Id)), new Markup(Markup.Escape(a.Role)), new Markup(Markup.Escape(a.Proposer)),
                new Markup(a.State == AgentState.Paused ? "[yellow]paused[/]" : a.State.ToString().ToLowerInvariant()), new Markup(runs),
                new Markup(Fmt(a.Best)), new Markup(BudgetText(a.Used, a.Reserved, a.Budget)), new Markup((a.ModelProblem is { } problem ? $"[red]{Markup.Escape(Truncate(problem, 50))}[/] " : "") + Markup.Escape(Truncate(a.Activity, 60))));
        }
        return new Rows(new Panel(header).Header("AutoResearch").Border(BoxBorder.Rounded), table);
    }

    /// <summary>"CPU-s ███░░ 120 (+65) / 3600" per limited resource; "CPU-s 120" when unlimited.</summary>
    private static string BudgetText(Abstractions.Specs.ResourceUse used, Abstractions.Specs.ResourceUse reserved, Abstractions.Specs.BudgetSpec budget)
    {
        var parts = new List<string>();
        void Add(string name, double u, double r, double limit)
        {
            if (limit <= 0 && u <= 0) return;
            var held = r > 0 ? string.Create(CultureInfo.InvariantCulture, $" (+{r:F0})") : "";
            parts.Add(limit > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{name} {SmallBar((u + r) / limit)} {u:F0}{held} / {limit:F0}")
                : string.Create(CultureInfo.InvariantCulture, $"{name} {u:F0}{held}"));
        }
        Add("CPU-s", used.CpuSeconds, reserved.CpuSeconds, budget.CpuSeconds);
        Add("GPU-s", used.GpuSeconds, reserved.GpuSeconds, budget.GpuSeconds);
        Add("tokens", used.Tokens, reserved.Tokens, budget.Tokens);
        return parts.Count == 0 ? "–" : string.Join("  ", parts);
    }

    private static string SmallBar(double fraction)
    {
        const int width = 8;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        var colour = fraction > 0.9 ? "red" : fraction > 0.7 ? "yellow" : "green";
        return $"[{colour}]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/]";
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
