using System.Globalization;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using AutoResearch.Testing.Browser;
using AutoResearch.Web.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoResearch.Web.BrowserTests;

/// <summary>
/// A real <c>autoresearch serve</c> whose ledger holds a seeded night (<see cref="AnalysisSeed"/>) before it starts, and one
/// headless Chromium.
/// </summary>
public sealed class SeededNightConsole : IAsyncLifetime
{
    public static readonly DateOnly Date = new(2026, 11, 20);

    public ServedConsole Served { get; } = new();
    public AnalysisSeed.Night Night { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var services = new ServiceCollection().AddLogging()
                         .AddLedger(o => o.ConnectionString = LedgerOptions.SqliteConnectionStringFor(Served.DataDirectory)).BuildServiceProvider())
        {
            Night = await AnalysisSeed.SeedAsync(services.GetRequiredService<ILedger>(), Date, Path.Combine(Served.DataDirectory, "seeded-benchmarks", "toy-mlp"));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Served.InitializeAsync();
    }

    public Task DisposeAsync() => Served.DisposeAsync();
}

/// <summary>
/// The morning after in a real browser: the night overview through its date picker, a campaign's analysis (which parameters
/// mattered, parallel coordinates, slices), and a comparison chosen with the experiments table's checkboxes. Screenshots go
/// to <c>TestResults/artifacts/analysis-*.png</c>.
/// </summary>
public sealed class AnalysisInBrowserTests(SeededNightConsole seeded, ITestOutputHelper output) : IClassFixture<SeededNightConsole>
{
    [Fact]
    public async Task Last_night_which_parameters_mattered_did_the_best_hold_up_and_what_to_try_tonight()
    {
        var console = seeded.Served;
        var night = seeded.Night;
        await using var context = await console.Chromium.NewLocalContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } }, [console.BaseUrl]);
        var page = await context.Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await page.GotoAsync(console.BaseUrl + "/login");
            await page.FillAsync("#password", ServedConsole.Password);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");

            // The night overview from the navigation, then the seeded night through the date picker.
            await page.ClickAsync("header nav >> text=Last night");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Night overview");
            await page.FillAsync("#night-date", SeededNightConsole.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await page.ClickAsync("#night-picker button[type=submit]");
            await page.WaitForURLAsync("**/night?date=2026-11-20");
            var rows = page.Locator("#night tbody tr[data-campaign]");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            var toy = page.Locator($"#night tr[data-campaign='{night.ToyId}']");
            var lucky = page.Locator($"#night tr[data-campaign='{night.LuckyId}']");
            await Assertions.Expect(toy.Locator(".held-out")).ToContainTextAsync("held up");
            await Assertions.Expect(toy.Locator(".failures")).ToContainTextAsync("2 failed");
            await Assertions.Expect(toy.Locator(".failures")).ToContainTextAsync("1 timeout");
            await Assertions.Expect(toy.Locator(".budget")).ToContainTextAsync("time 150 of 480 min");
            await Assertions.Expect(toy.Locator(".mattered")).ToContainTextAsync("lr");
            await Assertions.Expect(toy.Locator("td.best")).ToContainTextAsync("#41");
            await Assertions.Expect(lucky.Locator(".held-out")).ToContainTextAsync("did not hold up");
            await Assertions.Expect(lucky.Locator(".held-out")).ToContainTextAsync("final answer #2");
            await Assertions.Expect(page.Locator("#night-summary")).ToContainTextAsync("1 held up on held-out, 1 did not");
            await Shot(page, "analysis-01-night");

            // Which parameters mattered: lr, with its interval; its ablation carried the improvement; depth's did not.
            await toy.Locator(".mattered a:has-text('analysis')").ClickAsync();
            await Assertions.Expect(page.Locator("#importance h2")).ToHaveTextAsync("Which parameters mattered");
            var first = page.Locator("#importance-table tbody tr").First;
            await Assertions.Expect(first).ToHaveAttributeAsync("data-parameter", "lr");
            await Assertions.Expect(first).ToHaveAttributeAsync("data-mattered", "true");
            await Assertions.Expect(first.Locator(".ablation")).ToContainTextAsync("carried the improvement");
            await Assertions.Expect(page.Locator("#importance-table tr[data-parameter=depth] .ablation")).ToContainTextAsync("along for the ride");
            await Assertions.Expect(page.Locator("#importance-chart .importance-row[data-mattered=true]")).ToHaveCountAsync(1);
            Assert.True(await page.Locator("#importance-chart line.interval").CountAsync() >= 1);
            await Assertions.Expect(page.Locator("#tonight")).ToContainTextAsync("keep searching lr");
            await Assertions.Expect(page.Locator("#tonight-pins")).ToContainTextAsync("depth: 6");
            await Shot(page, "analysis-02-importance");

            // Parallel coordinates: one line per successful experiment, log axis for lr; slices with the best ringed.
            await Assertions.Expect(page.Locator("#parallel-chart polyline.run")).ToHaveCountAsync(45);
            await Assertions.Expect(page.Locator("#parallel-chart polyline.best")).ToHaveAttributeAsync("data-sequence", "41");
            await Assertions.Expect(page.Locator("#parallel-chart g[data-axis=lr]")).ToHaveAttributeAsync("data-scale", "log");
            await Assertions.Expect(page.Locator("#slices svg.slice")).ToHaveCountAsync(3);
            await Assertions.Expect(page.Locator("#slices svg.slice circle.best")).ToHaveCountAsync(3);
            var box = await page.Locator("#parallel-chart").BoundingBoxAsync();
            Assert.True(box is { Width: > 600, Height: > 200 }, $"parallel coordinates drawn at {box?.Width}x{box?.Height}");
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#parallel"), "analysis-03-parallel-coordinates", output.WriteLine);
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#slice-plots"), "analysis-04-slices", output.WriteLine);
            await Assertions.Expect(page.Locator("#pair-chart circle.best")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#analysis-curves polyline.curve")).ToHaveCountAsync(8);
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#pair"), "analysis-04b-pair", output.WriteLine);
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#curves"), "analysis-04c-curves", output.WriteLine);

            // The contour of lr and depth (the two most important numeric parameters), the best ringed; zoom by dragging, then reset.
            var contour = page.Locator("#contour-chart");
            await Assertions.Expect(contour).ToHaveAttributeAsync("data-x", "lr");
            Assert.True(await contour.Locator("rect.cell").CountAsync() > 100);
            await Assertions.Expect(contour.Locator("circle.best")).ToHaveCountAsync(1);
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#contour"), "analysis-04e-contour", output.WriteLine);
            var contourTicks = await VisibleTicksAsync(contour, "x-tick");
            await DragAsync(page, contour, 600, 420, (160, 80), (330, 260));
            await Assertions.Expect(contour).ToHaveAttributeAsync("data-zoomed", "true");
            var zoomedTicks = await VisibleTicksAsync(contour, "x-tick");
            Assert.NotEqual(contourTicks, zoomedTicks);
            Assert.NotEmpty(zoomedTicks);
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#contour"), "analysis-04f-contour-zoomed", output.WriteLine);
            await page.ClickAsync("#contour button.zoom-reset");
            await Assertions.Expect(contour).ToHaveAttributeAsync("data-zoomed", "false");
            Assert.Equal(contourTicks, await VisibleTicksAsync(contour, "x-tick"));
            // A slice zooms too: its metric axis gets finer labels.
            var slice = page.Locator("#slices svg.slice").First;
            var sliceTicks = await VisibleTicksAsync(slice, "y-tick");
            await DragAsync(page, slice, 320, 220, (70, 120), (300, 170));
            await Assertions.Expect(slice).ToHaveAttributeAsync("data-zoomed", "true");
            Assert.NotEqual(sliceTicks, await VisibleTicksAsync(slice, "y-tick"));
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#slice-plots"), "analysis-04g-slice-zoomed", output.WriteLine);
            await slice.DblClickAsync(new LocatorDblClickOptions { Position = new Position { X = 5, Y = 5 } });
            await Assertions.Expect(slice).ToHaveAttributeAsync("data-zoomed", "false");

            // The metric on a log axis, from the switch above the plots.
            await page.ClickAsync("#metric-scale a:has-text('log')");
            await Assertions.Expect(page.Locator("#parallel-chart g[data-axis=loss]")).ToHaveAttributeAsync("data-scale", "log");
            await Assertions.Expect(page.Locator("#slices svg.slice").First.Locator("text.y-tick").First).ToHaveTextAsync("0.01");
            await TestArtifacts.SaveScreenshotAsync(page.Locator("#parallel"), "analysis-04d-parallel-log-metric", output.WriteLine);

            // Compare: tick the best and its depth ablation in the experiments table.
            await page.ClickAsync("nav.tabs >> text=Experiments");
            await page.GotoAsync($"{console.BaseUrl}/campaigns/{night.ToyId}/experiments?limit=100");
            await page.CheckAsync("#experiments input[name=s][value='41']");
            await page.CheckAsync("#experiments input[name=s][value='43']");
            await page.ClickAsync("#compare-form button:has-text('Compare selected')");
            await page.WaitForURLAsync("**/compare?s=41&s=43");
            await Assertions.Expect(page.Locator("#compare-parameters tr[data-parameter=depth] td.differs")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#compare-parameters tr[data-parameter=lr] td.differs")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#compare-runs")).ToContainTextAsync("Ablation of the best");
            await Assertions.Expect(page.Locator("#compare-diffs pre.diff").First).ToContainTextAsync("+activation = 'gelu'");
            await Assertions.Expect(page.Locator("#compare-curves polyline.curve")).ToHaveCountAsync(2);
            await Shot(page, "analysis-05-compare");

            // The baseline against the best: the code diff from the benchmark's file.
            await page.GotoAsync($"{console.BaseUrl}/campaigns/{night.ToyId}/compare?s=0&s=41");
            await Assertions.Expect(page.Locator("pre.diff[data-between='41']")).ToContainTextAsync("+warmup = 100");
            await Shot(page, "analysis-06-compare-code");

            Assert.Empty(context.Requests.Blocked);
            Assert.Empty(context.Errors);
        }
        catch
        {
            await Shot(page, "analysis-failure");
            output.WriteLine(console.Output);
            throw;
        }
    }

    private Task<string> Shot(IPage page, string name) => TestArtifacts.SaveScreenshotAsync(page, name, output.WriteLine);

    /// <summary>The labels of a chart's ticks of one class (<c>x-tick</c>, <c>y-tick</c>) that are shown.</summary>
    private static async Task<string> VisibleTicksAsync(ILocator chart, string tick) =>
        string.Join(", ", await chart.Locator($"text.{tick}:not([visibility=hidden])").AllTextContentsAsync());

    /// <summary>Drags the mouse over a chart between two points of its view box (<paramref name="width"/>×<paramref name="height"/>).</summary>
    private static async Task DragAsync(IPage page, ILocator chart, double width, double height, (double X, double Y) from, (double X, double Y) to)
    {
        await chart.ScrollIntoViewIfNeededAsync();
        var box = await chart.BoundingBoxAsync() ?? throw new InvalidOperationException("the chart is not drawn");
        double Sx(double x) => box.X + x * box.Width / width;
        double Sy(double y) => box.Y + y * box.Height / height;
        await page.Mouse.MoveAsync((float)Sx(from.X), (float)Sy(from.Y));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)Sx(to.X), (float)Sy(to.Y), new MouseMoveOptions { Steps = 5 });
        await page.Mouse.UpAsync();
    }
}
