using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Web.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// The morning-after views on a night written to the console's ledger (<see cref="AnalysisSeed"/>): parameter importance and
/// the plots, run comparison, and the night overview, each as a page and as its JSON.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class AnalysisConsoleTests(ConsoleFactory console)
{
    private static int _nights;

    /// <summary>A night of its own for each test (so their overviews do not see each other's campaigns).</summary>
    private async Task<AnalysisSeed.Night> SeedAsync(DateOnly? date = null)
    {
        var night = date ?? new DateOnly(2025, 1, 1).AddDays(Interlocked.Increment(ref _nights) * 3 + Random.Shared.Next(0, 2));
        return await AnalysisSeed.SeedAsync(console.Services.GetRequiredService<ILedger>(), night,
            Path.Combine(console.DataDirectory, "seeded-benchmarks", Guid.NewGuid().ToString("N")[..8]));
    }

    [Fact]
    public async Task The_analysis_api_says_the_learning_rate_mattered_and_its_ablation_carried_the_improvement()
    {
        var night = await SeedAsync();
        using var client = console.TokenClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{night.ToyId}/analysis");

        Assert.Equal(41, view.GetProperty("bestSequence").GetInt32());
        Assert.Equal(0, view.GetProperty("baselineSequence").GetInt32());
        // Every successful search result (held-out runs and failures left out): #0 to #44.
        Assert.Equal(Enumerable.Range(0, 45), view.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("sequence").GetInt32()).Order());
        var rows = view.GetProperty("importance").GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal("lr", rows[0].GetProperty("name").GetString());
        Assert.True(rows[0].GetProperty("mattered").GetBoolean());
        Assert.True(rows[0].GetProperty("importance").GetDouble() > 0.5, rows[0].ToString());
        Assert.True(rows[0].GetProperty("low").GetDouble() <= rows[0].GetProperty("importance").GetDouble());
        foreach (var other in rows.Skip(1))
            Assert.False(other.GetProperty("mattered").GetBoolean(), other.ToString());

        var lr = rows[0].GetProperty("ablation");
        Assert.Equal("0.1", lr.GetProperty("revertedTo").GetString());
        Assert.Equal(2.26 - 0.002, lr.GetProperty("loss").GetDouble(), 9);
        Assert.True(lr.GetProperty("mattered").GetBoolean());
        var depth = rows.Single(r => r.GetProperty("name").GetString() == "depth").GetProperty("ablation");
        Assert.Equal([43], depth.GetProperty("ablationSequences").EnumerateArray().Select(s => s.GetInt32()));
        Assert.False(depth.GetProperty("mattered").GetBoolean());

        var tonight = view.GetProperty("tonight");
        Assert.Equal(["lr"], tonight.GetProperty("search").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("6", tonight.GetProperty("pin").GetProperty("depth").GetString());
        Assert.Equal("gelu", tonight.GetProperty("pin").GetProperty("activation").GetString());

        using var missing = await client.GetAsync("/api/campaigns/no-such-campaign/analysis");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_analysis_page_draws_importance_parallel_coordinates_and_slices_on_log_axes_with_the_best_marked()
    {
        var night = await SeedAsync();
        using var admin = await console.SignedInClientAsync();
        var html = await admin.GetStringAsync($"/campaigns/{night.ToyId}/analysis");

        Assert.Contains("<tr data-parameter=\"lr\" data-mattered=\"true\"", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-parameter=\"depth\" data-mattered=\"false\"", html, StringComparison.Ordinal);
        Assert.Contains("carried the improvement", html, StringComparison.Ordinal);
        Assert.Contains("within noise: along for the ride", html, StringComparison.Ordinal);
        Assert.Contains("<g class=\"importance-row\" data-parameter=\"lr\" data-mattered=\"true\">", html, StringComparison.Ordinal);
        // Parallel coordinates: one line per successful result, the best drawn as such; an axis per parameter and the metric.
        var parallel = Section(html, "parallel-chart");
        Assert.Equal(45, PolylineRuns().Matches(parallel).Count);
        Assert.Contains("class=\"run best\" data-sequence=\"41\"", parallel, StringComparison.Ordinal);
        Assert.Contains("data-axis=\"lr\" data-scale=\"log\"", parallel, StringComparison.Ordinal);
        Assert.Contains("data-axis=\"activation\" data-scale=\"choice\"", parallel, StringComparison.Ordinal);
        Assert.Contains("data-axis=\"loss\" data-scale=\"linear\"", parallel, StringComparison.Ordinal);
        Assert.Contains(">0.001<", parallel, StringComparison.Ordinal); // a decade tick on the log axis
        // Slices: one per parameter, log x for lr, the best ringed.
        Assert.Equal(3, Regex.Matches(html, "<svg class=\"chart slice\"").Count);
        Assert.Contains("<svg class=\"chart slice\" data-parameter=\"lr\" data-scale=\"log\"", html, StringComparison.Ordinal);
        Assert.Equal(5, Regex.Matches(html, "<circle class=\"best\" data-sequence=\"41\"").Count); // three slices, the pair and contour plots
        // What to try tonight: pin what did not matter at the best's values.
        Assert.Contains("  depth: 6\n", html, StringComparison.Ordinal);
        Assert.Contains("keep searching <strong>lr</strong>", html, StringComparison.Ordinal);
        // The two most important parameters together; the baseline's and the best runs' intermediate values.
        Assert.Contains("<svg id=\"pair-chart\" class=\"chart pair\" data-x=\"lr\"", html, StringComparison.Ordinal);
        var curves = Section(html, "analysis-curves");
        Assert.Contains("class=\"curve\" data-sequence=\"0\"", curves, StringComparison.Ordinal);
        Assert.Contains("class=\"curve\" data-sequence=\"41\"", curves, StringComparison.Ordinal);
        Assert.Equal(ConsoleAnalysis.MaxCurves, Regex.Matches(curves, "class=\"curve\"").Count);
        // The metric on a log axis when asked (every loss is above zero).
        Assert.Contains("data-axis=\"loss\" data-scale=\"linear\"", parallel, StringComparison.Ordinal);
        var logged = await admin.GetStringAsync($"/campaigns/{night.ToyId}/analysis?scale=log");
        Assert.Contains("data-axis=\"loss\" data-scale=\"log\"", Section(logged, "parallel-chart"), StringComparison.Ordinal);
        // Linked from the campaign page and the experiments table.
        Assert.Contains($"href=\"/campaigns/{night.ToyId}/analysis\"", await admin.GetStringAsync($"/campaigns/{night.ToyId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comparing_the_baseline_the_best_and_an_ablation_highlights_differences_shows_the_code_and_the_curves()
    {
        var night = await SeedAsync();
        using var client = console.TokenClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{night.ToyId}/compare?s=0&s=41&s=42");
        Assert.Equal([0, 41, 42], view.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("sequence").GetInt32()));
        var parameters = view.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["0.1", "0.0031622776601683794", "0.1"], parameters["lr"].GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.True(parameters["depth"].GetProperty("differs").GetBoolean());
        var diffs = view.GetProperty("diffs").EnumerateArray().ToList();
        // From the baseline (the benchmark's train.py) to the best's edit; the ablation kept the best's code.
        Assert.Equal(41, diffs[0].GetProperty("toSequence").GetInt32());
        Assert.Contains("+activation = 'gelu'", diffs[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("+warmup = 100", diffs[1].GetProperty("text").GetString(), StringComparison.Ordinal);

        using var admin = await console.SignedInClientAsync();
        var html = await admin.GetStringAsync($"/campaigns/{night.ToyId}/compare?s=41&s=43");
        Assert.Contains("<tr data-parameter=\"depth\" data-differs=\"true\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-parameter=\"lr\" data-differs=\"false\">", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"differs\">6</td>", html, StringComparison.Ordinal);
        Assert.Contains("Same code.", html, StringComparison.Ordinal);
        var curves = Section(html, "compare-curves");
        Assert.Contains("class=\"curve\" data-sequence=\"41\"", curves, StringComparison.Ordinal);
        Assert.Contains("class=\"curve\" data-sequence=\"43\"", curves, StringComparison.Ordinal);
        // The experiments table sends its ticked rows here.
        var table = await admin.GetStringAsync($"/campaigns/{night.ToyId}/experiments");
        Assert.Contains($"<form method=\"get\" action=\"/campaigns/{night.ToyId}/compare\" id=\"compare-form\">", table, StringComparison.Ordinal);
        Assert.Contains("<input type=\"checkbox\" form=\"compare-form\" name=\"s\" value=\"41\"", table, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s=1", "choose 2 to 4 experiments to compare (1 chosen)")]
    [InlineData("s=1&s=2&s=3&s=4&s=5", "choose 2 to 4 experiments to compare (5 chosen)")]
    [InlineData("s=1&s=x", "&#x27;x&#x27; is not an experiment number")]
    [InlineData("s=0&s=999", "has no experiment #999")]
    public async Task A_bad_selection_is_refused_with_its_reason_on_the_page_and_in_the_api(string query, string problem)
    {
        var night = await SeedAsync();
        using var admin = await console.SignedInClientAsync();
        using var page = await admin.GetAsync($"/campaigns/{night.ToyId}/compare?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains(problem, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var client = console.TokenClient();
        using var api = await client.GetAsync($"/api/campaigns/{night.ToyId}/compare?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains(WebUtility.HtmlDecode(problem), (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("s")[0].GetString(), StringComparison.Ordinal);
        using var missing = await client.GetAsync("/api/campaigns/no-such-campaign/compare?s=1&s=2");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_night_overview_shows_each_campaign_with_best_against_baseline_held_out_failures_burn_and_reports()
    {
        var night = await SeedAsync();
        var date = night.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var client = console.TokenClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/night?date={date}");
        Assert.Equal(date, view.GetProperty("night").GetString());
        var campaigns = view.GetProperty("campaigns").EnumerateArray().ToList();
        Assert.Equal([night.ToyId, night.LuckyId], campaigns.Select(c => c.GetProperty("id").GetString()));
        var toy = campaigns[0];
        Assert.Equal("held_up", toy.GetProperty("heldOut").GetString());
        Assert.Equal(41, toy.GetProperty("bestSequence").GetInt32());
        Assert.Equal(0.002, toy.GetProperty("best").GetDouble(), 9);
        Assert.True(toy.GetProperty("improvement").GetDouble() > 2);
        Assert.Equal(2, toy.GetProperty("failed").GetInt32());
        Assert.Equal(1, toy.GetProperty("failures").GetProperty("Timeout").GetInt32());
        Assert.Equal(1, toy.GetProperty("failures").GetProperty("Crash").GetInt32());
        Assert.Equal(7200, toy.GetProperty("budget").GetProperty("cpuBudgetSeconds").GetDouble());
        // 47 finished search runs and the two held-out runs, 85 CPU seconds each.
        Assert.Equal(49 * 85, toy.GetProperty("budget").GetProperty("cpuSeconds").GetDouble(), 6);
        Assert.Equal(150, toy.GetProperty("budget").GetProperty("minutes").GetDouble(), 6);
        Assert.Equal(["lr"], toy.GetProperty("mattered").EnumerateArray().Select(m => m.GetString()));
        var lucky = campaigns[1];
        Assert.Equal("did_not_hold_up", lucky.GetProperty("heldOut").GetString());
        Assert.Equal(2, lucky.GetProperty("finalAnswerSequence").GetInt32());
        Assert.Equal(1, lucky.GetProperty("failures").GetProperty("OutOfMemory").GetInt32());

        using var admin = await console.SignedInClientAsync();
        var html = await admin.GetStringAsync($"/night?date={date}");
        Assert.Contains($"<tr data-campaign=\"{night.ToyId}\" data-held-out=\"held_up\">", html, StringComparison.Ordinal);
        Assert.Contains($"<tr data-campaign=\"{night.LuckyId}\" data-held-out=\"did_not_hold_up\">", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"did-not-hold-up\">did not hold up</span>", html, StringComparison.Ordinal);
        Assert.Contains("1 crash, 1 timeout", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/campaigns/{night.ToyId}/reports\"", html, StringComparison.Ordinal);
        Assert.Contains("2 campaigns:", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/night\">Last night</a>", html, StringComparison.Ordinal);

        // The nights around it have neither campaign.
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/night?date={night.Date.AddDays(-1):yyyy-MM-dd}");
        Assert.DoesNotContain(before.GetProperty("campaigns").EnumerateArray(), c => c.GetProperty("id").GetString() == night.ToyId);
        using var bad = await admin.GetAsync("/night?date=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is not a date; use yyyy-MM-dd", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badApi = await client.GetAsync("/api/night?date=2026-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, badApi.StatusCode);
    }

    [Fact]
    public async Task Without_a_date_the_overview_shows_last_night_in_server_local_time()
    {
        var lastNight = ConsoleAnalysis.LastNight(DateTimeOffset.UtcNow, TimeZoneInfo.Local);
        var night = await SeedAsync(lastNight);
        using var admin = await console.SignedInClientAsync();
        var html = await admin.GetStringAsync("/night");
        Assert.Contains($"value=\"{lastNight:yyyy-MM-dd}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-campaign=\"{night.ToyId}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_night_runs_from_noon_to_noon_in_the_server_zone_and_last_night_is_the_one_before_today()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+01", TimeSpan.FromHours(1), "Test+01", "Test+01");
        Assert.Equal(new DateOnly(2026, 12, 4), ConsoleAnalysis.LastNight(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero), zone));
        // 23:30 UTC on the 5th is 00:30 on the 6th there: last night is the 5th's.
        Assert.Equal(new DateOnly(2026, 12, 5), ConsoleAnalysis.LastNight(new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.Zero), zone));
        var (from, to) = ConsoleAnalysis.Window(new DateOnly(2026, 12, 4), zone);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 11, 0, 0, TimeSpan.Zero), from.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 11, 0, 0, TimeSpan.Zero), to.ToUniversalTime());
    }

    /// <summary>The element with <paramref name="id"/> up to the end of its SVG or block (enough for counting what it holds).</summary>
    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no element #{id}");
        var end = html.IndexOf("</svg>", start, StringComparison.Ordinal);
        if (id is "compare-curves" or "analysis-curves") end = html.IndexOf("</div>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("<polyline class=\"run[^\"]*\" data-sequence=")]
    private static partial Regex PolylineRuns();
}

/// <summary>The analysis views on a large campaign: how long each takes (printed), under a bound that catches a quadratic step.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AnalysisScaleTests(ConsoleFactory console, Xunit.Abstractions.ITestOutputHelper output)
{
    public const int Experiments = 20_000;

    [Fact]
    public async Task The_analysis_and_the_night_of_a_campaign_with_twenty_thousand_experiments_answer_in_seconds()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var date = new DateOnly(2024, 6, 1);
        var night = await AnalysisSeed.SeedAsync(ledger, date, Path.Combine(console.DataDirectory, "seeded-benchmarks", "scale"));
        var t0 = AnalysisSeed.LocalAt(date, 21, 0);
        var random = new Random(3);
        var id = night.ToyId;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rows = Enumerable.Range(100, Experiments).Select(s =>
        {
            var lr = Math.Pow(10, -4 + 3 * random.NextDouble());
            return new AutoResearch.Abstractions.Experiments.ExperimentRecord
            {
                Id = $"{id}/{s:D6}", CampaignId = id, AgentId = "random-1", Sequence = s, ProposerName = "random",
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = lr.ToString("R", CultureInfo.InvariantCulture), ["depth"] = random.Next(1, 9).ToString(CultureInfo.InvariantCulture), ["activation"] = "relu" }),
                Hypothesis = "Try lr", Status = AutoResearch.Abstractions.Experiments.ExperimentStatus.Succeeded,
                Objective = Math.Pow(Math.Log10(lr) + 2.5, 2) + 0.5, QueuedAt = t0, StartedAt = t0, EndedAt = t0.AddSeconds(1), CpuSeconds = 1,
            };
        }).ToList();
        foreach (var chunk in rows.Chunk(2000)) await ledger.SaveExperimentsAsync(chunk);
        output.WriteLine($"seeded {Experiments} experiments in {watch.ElapsedMilliseconds} ms");

        using var client = console.TokenClient();
        using var admin = await console.SignedInClientAsync();
        foreach (var (what, call) in new (string, Func<Task<string>>)[]
                 {
                     ("analysis api", () => client.GetStringAsync($"/api/campaigns/{id}/analysis")),
                     ("analysis page", () => admin.GetStringAsync($"/campaigns/{id}/analysis")),
                     ("compare page", () => admin.GetStringAsync($"/campaigns/{id}/compare?s=0&s=41&s=20000")),
                     ("night page", () => admin.GetStringAsync($"/night?date={date:yyyy-MM-dd}")),
                 })
        {
            // The first call computes (a settled campaign's analysis is then kept until its ledger rows change).
            watch.Restart();
            await call();
            var first = watch.Elapsed;
            watch.Restart();
            var body = await call();
            var took = watch.Elapsed;
            var line = $"{what}: first {first.TotalMilliseconds:0} ms, again {took.TotalMilliseconds:0} ms, {body.Length / 1024} KiB";
            output.WriteLine(line);
            Console.WriteLine(line);
            Assert.True(first < TimeSpan.FromSeconds(30), $"{what} took {first}");
            Assert.True(took < TimeSpan.FromSeconds(30), $"{what} took {took}");
        }

        // The plots draw a bounded sample; the API says how many results there were.
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/analysis");
        Assert.Equal(Experiments + 45, view.GetProperty("results").GetInt32());
        Assert.Equal(ConsoleAnalysis.MaxPoints, view.GetProperty("points").GetArrayLength());
        Assert.Contains(view.GetProperty("points").EnumerateArray(), p => p.GetProperty("sequence").GetInt32() == 41);
        Assert.Equal("lr", view.GetProperty("importance").GetProperty("parameters")[0].GetProperty("name").GetString());
    }
}
