using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Testing.Browser;
using AutoResearch.Testing.Reports;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoResearch.Reports.BrowserTests;

/// <summary>
/// The morning report as a person sees it: a campaign seeded into a real SQLite ledger, written by the real
/// <see cref="FileReportWriter"/>, opened from disk in headless Chromium under the report's own Content-Security-Policy.
/// Screenshots land in TestResults/artifacts/.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HtmlReportInBrowserTests(ChromiumFixture browser, ITestOutputHelper output)
{
    // The report's sections (h2 texts), in one place: add a section here when the report gains one.
    /// <summary>Sections every report shows, even one without experiments.</summary>
    private static readonly string[] AlwaysShownSections = ["Headline", "Suggestions for the next night", "Agents", "Failures", "Journal", "Experiments", "Reproduce the best"];

    /// <summary>Sections a night with accepted bests, model calls and early stops shows as well.</summary>
    private static readonly string[] FullReportSections = [.. AlwaysShownSections, "Leaderboard", "Top experiments", "Model calls", "Stopped early"];

    private static readonly BrowserNewContextOptions Viewport = new()
    {
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        DeviceScaleFactor = 1,
    };

    [Fact]
    public async Task A_night_of_four_agents_renders_with_every_section_and_real_charts()
    {
        await using var ledger = await ReportLedger.CreateAsync();
        await OvernightCampaign.SeedAsync(ledger.Ledger, ledger.Journal);
        var files = await ledger.ReportWriter.WriteAsync(OvernightCampaign.Id, ReportTrigger.Scheduled);

        await using var context = await browser.Chromium.NewLocalContextAsync(Viewport);
        var page = await context.OpenFileAsync(files.Html);

        Assert.Contains(OvernightCampaign.Name, await page.TitleAsync());
        Assert.Equal("Morning report: " + OvernightCampaign.Name, (await page.Locator("h1").InnerTextAsync()).Trim());
        await AssertSectionsAsync(page, FullReportSections);
        // The metric over time, the compute and token burn over time, and use against budget per agent.
        await AssertImagesLoadedAsync(page, expected: 4);

        var charts = page.Locator("img.chart");
        for (var i = 0; i < await charts.CountAsync(); i++)
        {
            var chart = charts.Nth(i);
            var alt = await chart.GetAttributeAsync("alt") ?? "";
            using var pixels = ChartPixels.Decode(await chart.ScreenshotAsync());
            var colors = pixels.DistinctColors();
            var ink = pixels.NonBackgroundShare();
            output.WriteLine($"chart {i} ({alt}): {pixels.Width}x{pixels.Height}, {colors} colors, {ink:P1} not background");
            Assert.True(pixels.Width >= 400 && pixels.Height >= 200, $"chart {i} ({alt}) is {pixels.Width}x{pixels.Height} on screen");
            Assert.True(colors >= 50, $"chart {i} ({alt}) has only {colors} distinct colors: blank or nearly so");
            Assert.True(ink >= 0.03, $"chart {i} ({alt}): only {ink:P1} of its pixels differ from the background");
        }

        // The metric chart: each agent's succeeded runs are points in its palette color. The legend is on the right, so only
        // the left 70% (the data area's start and middle, where every agent has points) counts.
        var metric = page.Locator("img.chart").First;
        Assert.Contains("val_loss", await metric.GetAttributeAsync("alt") ?? "");
        using (var pixels = ChartPixels.Decode(await metric.ScreenshotAsync()))
        {
            var missing = new List<string>();
            for (var i = 0; i < OvernightCampaign.AgentIds.Count; i++)
            {
                var color = ReportCharts.AgentPalette[i];
                var count = pixels.CountNear(color.R, color.G, color.B, maxX: pixels.Width * 7 / 10);
                output.WriteLine($"{OvernightCampaign.AgentIds[i]} {color.ToHex()}: {count} pixels");
                if (count < 40)
                {
                    missing.Add($"{OvernightCampaign.AgentIds[i]} {color.ToHex()} ({count} pixels)");
                }
            }

            Assert.True(missing.Count == 0, "agents whose points are missing from the metric chart: " + string.Join(", ", missing));
        }

        var screenshot = await TestArtifacts.SaveScreenshotAsync(page, "report-overnight", output.WriteLine);
        AssertScreenshot(screenshot);
        AssertNothingRemote(context);
    }

    [Fact]
    public async Task A_campaign_without_experiments_renders_and_says_so()
    {
        await using var ledger = await ReportLedger.CreateAsync();
        const string id = "digits-empty-20261124-0100";
        await ledger.Ledger.UpsertCampaignAsync(OvernightCampaign.Campaign(id) with
        {
            State = CampaignState.Stopped,
            EndedAt = OvernightCampaign.Start.AddMinutes(1),
            Reason = "stopped by the operator",
        });
        var files = await ledger.ReportWriter.WriteAsync(id, ReportTrigger.OnDemand);

        await using var context = await browser.Chromium.NewLocalContextAsync(Viewport);
        var page = await context.OpenFileAsync(files.Html);

        Assert.Equal("Campaign report: " + OvernightCampaign.Name, (await page.Locator("h1").InnerTextAsync()).Trim());
        await AssertSectionsAsync(page, AlwaysShownSections);
        await AssertImagesLoadedAsync(page, expected: 2);
        var text = await page.Locator("body").InnerTextAsync();
        Assert.Contains("No experiments have run yet.", await page.Locator(".headline").InnerTextAsync());
        Assert.Contains("No experiments have been recorded yet.", text);

        var screenshot = await TestArtifacts.SaveScreenshotAsync(page, "report-empty", output.WriteLine);
        AssertScreenshot(screenshot);
        AssertNothingRemote(context);
    }

    private static async Task AssertSectionsAsync(IPage page, IReadOnlyList<string> expected)
    {
        var headings = (await page.Locator("h2").AllInnerTextsAsync()).Select(h => h.Trim()).ToList();
        var missing = expected.Where(s => !headings.Contains(s, StringComparer.Ordinal)).ToList();
        Assert.True(missing.Count == 0,
            $"sections missing: [{string.Join(", ", missing)}]; the page's h2 headings are [{string.Join(", ", headings)}]");
    }

    /// <summary>Every img finished loading with a real size (a broken or blocked image has naturalWidth 0).</summary>
    private static async Task AssertImagesLoadedAsync(IPage page, int expected)
    {
        var images = page.Locator("img");
        var count = await images.CountAsync();
        Assert.True(count == expected, $"expected {expected} images, the page has {count}");
        for (var i = 0; i < count; i++)
        {
            var image = images.Nth(i);
            var state = await image.EvaluateAsync<int[]>("img => [img.complete ? 1 : 0, img.naturalWidth, img.naturalHeight]");
            var alt = await image.GetAttributeAsync("alt");
            Assert.True(state[0] == 1 && state[1] > 0 && state[2] > 0,
                $"image {i} ({alt}) did not load: complete={state[0] == 1}, natural size {state[1]}x{state[2]}");
        }
    }

    private static void AssertScreenshot(string path)
    {
        var info = new FileInfo(path);
        Assert.True(info.Exists, $"no screenshot at {path}");
        Assert.True(info.Length > 20_000, $"the screenshot {path} is only {info.Length} bytes");
    }

    private void AssertNothingRemote(LocalBrowserContext context)
    {
        output.WriteLine($"requests: {context.Requests.Attempted.Count} ({string.Join(", ", context.Requests.Attempted.Select(Scheme).Distinct())})");
        Assert.True(context.Requests.Blocked.Count == 0, "the report tried to load: " + string.Join(", ", context.Requests.Blocked));
        Assert.True(context.Errors.Count == 0, "console or page errors: " + string.Join(" | ", context.Errors));
    }

    private static string Scheme(string url) => url.Split(':', 2)[0];
}
