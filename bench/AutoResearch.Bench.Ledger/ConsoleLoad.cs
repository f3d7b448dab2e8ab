using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Web.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Bench.Ledger;

/// <summary>
/// <c>--mode console</c>: every console page and its API call on a ledger of N experiments (first call, then median and p95
/// of <c>--repeat</c> more), then <c>--viewers</c> people watching one running campaign's live page (each its own
/// server-sent events stream) while <c>--writes</c> experiments a second land in the ledger and each viewer also reloads
/// the page now and then: time to the first event, page loads under that load, events each viewer got, and how often the
/// campaign was read (once per live interval whatever the number of viewers, if the watcher is shared).
/// </summary>
public static class ConsoleLoad
{
    public static async Task<string> RunAsync(IServiceProvider services, Uri address, HttpClient token, HttpClient cookie, string id, int n,
        int repeat, int viewers, int watchSeconds, double writesPerSecond, DateOnly night)
    {
        var table = new StringBuilder();
        table.AppendLine($"| {n:N0} experiments: call | first (ms) | median (ms) | p95 (ms) | cpu median (ms) | size |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|");
        var nightText = night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var calls = new (string Name, HttpClient Client, string Path)[]
        {
            ("page: campaign list", cookie, "/"),
            ("page: live campaign", cookie, $"/campaigns/{id}"),
            ("page: experiments table", cookie, $"/campaigns/{id}/experiments?sort=objective&desc=true&offset={n / 2}"),
            ("page: analysis", cookie, $"/campaigns/{id}/analysis"),
            ("page: night overview", cookie, $"/night?date={nightText}"),
            ("page: journal", cookie, $"/campaigns/{id}/journal"),
            ("GET /api/campaigns", token, "/api/campaigns"),
            ("GET /api/campaigns/{id}", token, $"/api/campaigns/{id}"),
            ("GET /api/campaigns/{id}/experiments", token, $"/api/campaigns/{id}/experiments?offset={n / 2}&limit=50&sort=objective&desc=true&status=Succeeded"),
            ("GET /api/campaigns/{id}/analysis", token, $"/api/campaigns/{id}/analysis"),
            ("GET /api/night", token, $"/api/night?date={nightText}"),
            ("GET /api/campaigns/{id}/journal", token, $"/api/campaigns/{id}/journal"),
        };
        foreach (var (name, client, path) in calls)
        {
            var first = await Program.OnceAsync(client, path);
            var runs = new List<(double Wall, double Cpu)>();
            for (var i = 0; i < repeat; i++)
            {
                var r = await Program.OnceAsync(client, path);
                runs.Add((r.Wall, r.Cpu));
            }
            var row = first.Status != HttpStatusCode.OK
                ? $"| {name} | HTTP {(int)first.Status} | | | | |"
                : $"| {name} | {first.Wall:F0} | {Percentile(runs.Select(r => r.Wall), 0.5):F0} | {Percentile(runs.Select(r => r.Wall), 0.95):F0} | {Percentile(runs.Select(r => r.Cpu), 0.5):F0} | {Program.Size(first.Bytes)} |";
            Console.WriteLine(row);
            table.AppendLine(row);
        }

        if (viewers > 0) table.Append(await ViewersAsync(services, address, token, cookie, id, viewers, watchSeconds, writesPerSecond));
        return table.ToString();
    }

    private static async Task<string> ViewersAsync(IServiceProvider services, Uri address, HttpClient token, HttpClient cookie, string id,
        int viewers, int watchSeconds, double writesPerSecond)
    {
        var watchers = services.GetRequiredService<CampaignWatchers>();
        var ledger = services.GetRequiredService<ILedger>();
        using var stop = new CancellationTokenSource();
        var firstEvent = new double[viewers];
        var events = new int[viewers];
        var streams = new List<Task>();
        var opened = Stopwatch.StartNew();
        for (var v = 0; v < viewers; v++)
        {
            var index = v;
            streams.Add(Task.Run(async () =>
            {
                using var client = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
                client.DefaultRequestHeaders.Authorization = token.DefaultRequestHeaders.Authorization;
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.GetAsync($"/api/campaigns/{id}/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    response.EnsureSuccessStatusCode();
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                    while (await reader.ReadLineAsync(stop.Token) is { } line)
                    {
                        if (!line.StartsWith("event: status", StringComparison.Ordinal)) continue;
                        if (Interlocked.Increment(ref events[index]) == 1) firstEvent[index] = watch.Elapsed.TotalMilliseconds;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }));
        }

        // Wait until every viewer has its first event (or 10 minutes), then watch for the window.
        var until = DateTime.UtcNow.AddMinutes(10);
        while (events.Any(e => e == 0) && DateTime.UtcNow < until) await Task.Delay(50);
        var allFirst = opened.Elapsed.TotalMilliseconds;
        var readsBefore = watchers.Reads(id);
        var eventsBefore = events.ToArray();
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var window = Stopwatch.StartNew();

        // New experiments land while they watch (as a running campaign's do).
        var writer = Task.Run(async () =>
        {
            if (writesPerSecond <= 0) return 0;
            var written = 0;
            var next = await ledger.NextSequenceAsync(id);
            while (!stop.IsCancellationRequested && window.Elapsed.TotalSeconds < watchSeconds)
            {
                var at = DateTimeOffset.UtcNow;
                await ledger.SaveExperimentAsync(new ExperimentRecord
                {
                    Id = $"{id}/load/{next:D7}", CampaignId = id, AgentId = "random-1", Sequence = next++, ProposerName = "random",
                    Parameters = ParameterSet.Of(("x1", 1.5), ("x2", 2.5)), Kind = ExperimentKind.Proposal, Status = ExperimentStatus.Succeeded,
                    QueuedAt = at, StartedAt = at, EndedAt = at, Objective = 30 + written % 7, Verdict = AcceptanceVerdict.NotBetter, Attempt = 1, Seed = next,
                });
                written++;
                await Task.Delay(TimeSpan.FromSeconds(1 / writesPerSecond));
            }
            return written;
        });

        // Each viewer reloads the live page (and its detail call) every few seconds, all at once.
        var pageLoads = new List<double>();
        var apiLoads = new List<double>();
        while (window.Elapsed.TotalSeconds < watchSeconds)
        {
            var round = await Task.WhenAll(Enumerable.Range(0, viewers).Select(async v =>
            {
                var page = await Program.OnceAsync(cookie, $"/campaigns/{id}");
                var api = await Program.OnceAsync(token, $"/api/campaigns/{id}");
                return (Page: page.Wall, Api: api.Wall);
            }));
            pageLoads.AddRange(round.Select(r => r.Page));
            apiLoads.AddRange(round.Select(r => r.Api));
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        var seconds = window.Elapsed.TotalSeconds;
        var written = await writer;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var reads = watchers.Reads(id) - readsBefore;
        var got = events.Select((e, i) => e - eventsBefore[i]).ToList();
        await stop.CancelAsync();
        await Task.WhenAll(streams);

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"{viewers} viewers on the live page, {seconds:F0} s window, {written} experiments written meanwhile ({writesPerSecond:F1}/s):");
        text.AppendLine();
        text.AppendLine($"- first event: median {Percentile(firstEvent, 0.5):F0} ms, p95 {Percentile(firstEvent, 0.95):F0} ms (all {viewers} streams had one after {allFirst:F0} ms)");
        text.AppendLine($"- page reloads ({viewers} at once, every 3 s, {pageLoads.Count} in all): median {Percentile(pageLoads, 0.5):F0} ms, p95 {Percentile(pageLoads, 0.95):F0} ms");
        text.AppendLine($"- GET /api/campaigns/{{id}} at the same time ({apiLoads.Count}): median {Percentile(apiLoads, 0.5):F0} ms, p95 {Percentile(apiLoads, 0.95):F0} ms");
        text.AppendLine($"- status events per viewer in the window: min {got.Min()}, max {got.Max()}");
        text.AppendLine($"- campaign reads by the shared watcher in the window: {reads} ({reads / seconds:F2}/s; live interval {services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AutoResearch.Web.ConsoleOptions>>().Value.LiveInterval.TotalSeconds:F1} s; watchers active {watchers.Active})");
        text.AppendLine($"- process CPU in the window: {cpu:F1} s ({cpu / seconds:P0} of one core)");
        Console.WriteLine(text);
        return text.ToString();
    }

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
