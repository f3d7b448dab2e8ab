using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Harness;
using AutoResearch.Ledger;
using AutoResearch.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Bench.Ledger;

/// <summary>
/// <c>dotnet run -c Release --project bench/AutoResearch.Bench.Ledger -- [--sizes 1000,10000,100000] [--repeat 5]
/// [--out bench/ledger/results.md] [--work DIR] [--report-up-to N] [--label after]</c>.
/// For each size: a fresh data folder, a ledger filled with one campaign of that many experiments (plus two small campaigns,
/// so the listing has several), then the console (the real app on loopback Kestrel, signed in with an API token) is timed:
/// the campaign list, one campaign's detail, a page of experiments (sorted by the metric, filtered, deep offset), the CSV
/// export and a report written on demand (once; its HTML size is recorded).
/// <c>--mode console [--viewers 20] [--watch-seconds 30] [--writes 1] [--reuse]</c>: every console page and API call instead
/// (<see cref="ConsoleLoad"/>); <c>--reuse</c> keeps a data folder an earlier run filled.
/// </summary>
public static partial class Program
{
    private const string Password = "bench-ledger-password";

    public static async Task<int> Main(string[] args)
    {
        var sizes = Arg(args, "--sizes", "1000,10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var repeat = int.Parse(Arg(args, "--repeat", "5"), CultureInfo.InvariantCulture);
        var reportUpTo = int.Parse(Arg(args, "--report-up-to", "100000"), CultureInfo.InvariantCulture);
        var label = Arg(args, "--label", "after");
        // completed: a settled campaign (the console may keep its aggregates); running: computed afresh on every call (the live page's case).
        var state = Enum.Parse<AutoResearch.Abstractions.Experiments.CampaignState>(Arg(args, "--state", "completed"), ignoreCase: true);
        var work = Path.GetFullPath(Arg(args, "--work", Path.Combine(Path.GetTempPath(), "ar-bench-ledger")));
        var output = Arg(args, "--out", "");
        // console: every page and API call with median and p95, then --viewers on one running campaign's live page.
        var mode = Arg(args, "--mode", "scale");
        var viewers = int.Parse(Arg(args, "--viewers", "20"), CultureInfo.InvariantCulture);
        var watchSeconds = int.Parse(Arg(args, "--watch-seconds", "30"), CultureInfo.InvariantCulture);
        var writes = double.Parse(Arg(args, "--writes", "1"), CultureInfo.InvariantCulture);
        var reuse = args.Contains("--reuse");
        var root = RepositoryRoot();
        var spec = CampaignLoader.Load(Path.Combine(root, "campaigns", "branin.yaml"));

        var table = new StringBuilder();
        if (mode != "console")
        {
            table.AppendLine($"| {label} ({state.ToString().ToLowerInvariant()}): experiments | fill (s) | GET /api/campaigns | GET /api/campaigns/{{id}} | experiments page | experiments CSV | report (s) | report HTML |");
            table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        }
        foreach (var n in sizes)
        {
            var data = Path.Combine(work, $"n{n}");
            var fill = Stopwatch.StartNew();
            var id = $"big-{n}";
            // --reuse: a data folder filled by an earlier run is used as it is (the state is still set below).
            var filled = reuse && Directory.Exists(data) && Directory.EnumerateFiles(data, "*.db").Any();
            if (!filled && Directory.Exists(data)) Directory.Delete(data, recursive: true);
            Directory.CreateDirectory(data);
            if (!filled)
            await using (var services = new ServiceCollection().AddLogging()
                .AddLedger(o => o.ConnectionString = LedgerOptions.SqliteConnectionStringFor(data)).BuildServiceProvider())
            {
                var ledger = services.GetRequiredService<ILedger>();
                var journal = services.GetRequiredService<IJournal>();
                await SyntheticLedger.FillAsync(ledger, journal, spec, "small-a", 100, 1, CancellationToken.None);
                await SyntheticLedger.FillAsync(ledger, journal, spec, "small-b", 100, 2, CancellationToken.None);
                id = await SyntheticLedger.FillAsync(ledger, journal, spec, $"big-{n}", n, 3, CancellationToken.None);
            }
            await using (var services = new ServiceCollection().AddLogging()
                .AddLedger(o => o.ConnectionString = LedgerOptions.SqliteConnectionStringFor(data)).BuildServiceProvider())
            {
                var ledger = services.GetRequiredService<ILedger>();
                var campaign = (await ledger.GetCampaignAsync(id))!;
                await ledger.UpsertCampaignAsync(state == AutoResearch.Abstractions.Experiments.CampaignState.Completed
                    ? campaign with { State = state, EndedAt = campaign.EndedAt ?? campaign.StartedAt!.Value.AddSeconds(n * 0.3 + 60) }
                    : campaign with { State = state, EndedAt = null });
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            fill.Stop();
            Console.Error.WriteLine($"{n}: filled in {fill.Elapsed.TotalSeconds:F1} s");

            Environment.SetEnvironmentVariable("AutoResearch__DataDirectory", data);
            Environment.SetEnvironmentVariable("Console__AdminPassword", Password);
            Environment.SetEnvironmentVariable("Console__ResumeOnStart", "false");
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
            var app = ConsoleApp.Build(["--urls", "http://127.0.0.1:0", "--contentRoot", Path.Combine(root, "src", "AutoResearch.Web")]);
            await app.StartAsync();
            try
            {
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                var (client, cookie) = await TokenClientAsync(new Uri(address));
                using var disposeClient = client;
                using var disposeCookie = cookie;

                var page = $"/api/campaigns/{id}/experiments?offset={n / 2}&limit=50&sort=objective&desc=true&status=Succeeded";
                // Warm the code paths (JIT) on a small campaign, so the first timed call is about the data, not the start-up.
                foreach (var warm in new[] { "/api/campaigns/small-a", "/api/campaigns/small-a/experiments?sort=objective", "/api/campaigns/small-a/experiments/export.csv", "/api/campaigns/small-a/analysis" })
                    (await client.GetAsync(warm)).EnsureSuccessStatusCode();
                if (mode == "console")
                {
                    foreach (var warm in new[] { "/", "/campaigns/small-a", "/campaigns/small-a/experiments", "/campaigns/small-a/analysis", "/night?date=2026-12-01", "/campaigns/small-a/journal" })
                        (await cookie.GetAsync(warm)).EnsureSuccessStatusCode();
                    table.Append(await ConsoleLoad.RunAsync(app.Services, new Uri(address), client, cookie, id, n, repeat, viewers, watchSeconds, writes, new DateOnly(2026, 12, 1)));
                    table.AppendLine();
                    continue;
                }
                var list = await TimeAsync(client, "/api/campaigns", repeat);
                var detail = await TimeAsync(client, $"/api/campaigns/{id}", repeat);
                var experiments = await TimeAsync(client, page, repeat);
                var csv = await TimeAsync(client, $"/api/campaigns/{id}/experiments/export.csv", 0);
                string report = "not run", html = "";
                if (n <= reportUpTo)
                {
                    using var process = Process.GetCurrentProcess();
                    var cpu0 = process.TotalProcessorTime;
                    var watch = Stopwatch.StartNew();
                    using var response = await client.PostAsync($"/api/campaigns/{id}/reports", null);
                    watch.Stop();
                    process.Refresh();
                    response.EnsureSuccessStatusCode();
                    var bytes = (await client.GetByteArrayAsync($"/api/campaigns/{id}/reports/latest/html")).Length;
                    report = $"{watch.Elapsed.TotalSeconds:F1} (cpu {(process.TotalProcessorTime - cpu0).TotalSeconds:F1})";
                    html = Size(bytes);
                }

                var row = $"| {n:N0} | {fill.Elapsed.TotalSeconds:F1} | {list} | {detail} | {experiments} | {csv} | {report} | {html} |";
                Console.WriteLine(row);
                table.AppendLine(row);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        if (output.Length > 0)
        {
            await File.WriteAllTextAsync(output, table.ToString());
            Console.Error.WriteLine($"Wrote {output}");
        }
        return 0;
    }

    /// <summary>
    /// The first GET, then the median of <paramref name="repeat"/> more: "first / median ms wall (cpu ms)", with the response size.
    /// CPU is this process's processor time over the call (server and client are in-process), which a busy machine does not inflate.
    /// </summary>
    private static async Task<string> TimeAsync(HttpClient client, string path, int repeat)
    {
        // The first call is reported apart: the console keeps settled campaigns' aggregates, so later calls can be cheaper.
        var (status, bytes, wall, cpu) = await OnceAsync(client, path);
        if (status != HttpStatusCode.OK) return $"HTTP {(int)status}";
        if (repeat == 0) return $"{wall:F0} ms (cpu {cpu:F0}) · {Size(bytes)}";
        var runs = new List<(double Wall, double Cpu)>();
        for (var i = 0; i < repeat; i++)
        {
            var r = await OnceAsync(client, path);
            runs.Add((r.Wall, r.Cpu));
        }
        var medianWall = runs.Select(r => r.Wall).Order().ElementAt(repeat / 2);
        var medianCpu = runs.Select(r => r.Cpu).Order().ElementAt(repeat / 2);
        return $"{wall:F0} / {medianWall:F0} ms (cpu {cpu:F0} / {medianCpu:F0}) · {Size(bytes)}";
    }

    internal static async Task<(HttpStatusCode Status, long Bytes, double Wall, double Cpu)> OnceAsync(HttpClient client, string path)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        process.Refresh();
        return (response.StatusCode, body.Length, watch.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu0).TotalMilliseconds);
    }

    internal static string Size(long bytes) => bytes switch
    {
        >= 1 << 20 => $"{bytes / 1048576.0:F1} MB",
        >= 1 << 10 => $"{bytes / 1024.0:F0} kB",
        _ => $"{bytes} B",
    };

    /// <summary>Signs in as the admin through the sign-in page, then makes an API token (as the console's tests do).</summary>
    private static async Task<(HttpClient Token, HttpClient Cookie)> TokenClientAsync(Uri address)
    {
        var cookies = new CookieContainer();
        var admin = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(15) };
        var login = await AntiforgeryTokenAsync(admin, "/login");
        using (var signIn = await admin.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password"] = Password,
            ["__RequestVerificationToken"] = login,
        })))
        {
            if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in answered {signIn.StatusCode}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { name = "bench" }) };
        request.Headers.Add("X-CSRF-TOKEN", await AntiforgeryTokenAsync(admin, "/settings/tokens"));
        using var response = await admin.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var secret = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return (client, admin);
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = TokenField().Match(html);
        if (!match.Success) throw new InvalidOperationException($"{page} has no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run from inside the repository (AutoResearch.sln not found above the program).");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
