using AutoResearch.Testing.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoResearch.Web.BrowserTests;

/// <summary>
/// A lab's evening and morning in the console, in a real browser against a real server running real sandboxes: sign in,
/// set a goal through the form (a bad field first), watch it progress live without reloading, open an experiment, add a
/// note to the journal, read the report. Screenshots of each step go to <c>TestResults/artifacts/console-*.png</c>.
/// </summary>
public sealed class ConsoleInBrowserTests(ServedConsole console, ITestOutputHelper output) : IClassFixture<ServedConsole>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Sign_in_set_a_goal_watch_it_live_open_an_experiment_add_a_note_and_read_the_report()
    {
        await using var context = await console.Chromium.NewLocalContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 860 } }, [console.BaseUrl]);
        var page = await context.Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            // Signed out: the console sends people to the sign-in page; a wrong password is refused there.
            await page.GotoAsync(console.BaseUrl + "/");
            Assert.Contains("/login", page.Url, StringComparison.Ordinal);
            await page.FillAsync("#password", "guess");
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin password");
            await page.FillAsync("#password", ServedConsole.Password);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");
            await Assertions.Expect(page.Locator("[data-empty]")).ToBeVisibleAsync();
            await Shot(page, "console-01-campaigns");

            // A second tab keeps the campaigns list open; it should pick up the new campaign and its end by itself.
            var list = await context.Context.NewPageAsync();
            await list.GotoAsync(console.BaseUrl + "/");
            await list.EvaluateAsync("() => { window.__sameDocument = true; }");

            // The form: a deadline it cannot read is named next to the field, and what was typed stays.
            await page.ClickAsync("text=New campaign >> nth=-1");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("New campaign");
            await page.FillAsync("#Form_Name", "browser-night");
            await page.FillAsync("#Form_Goal", "Find the minimum of Branin before breakfast");
            await page.SelectOptionAsync("#Form_Benchmark", "branin");
            await Assertions.Expect(page.Locator("#benchmark-info")).ToContainTextAsync("minimize value");
            await page.FillAsync("#Form_Deadline", "when the cows come home");
            await page.FillAsync("#Form_MaxExperiments", "10");
            await page.FillAsync("#Form_Slots", "2");
            await page.ClickAsync("button:has-text('Start campaign')");
            var deadlineField = page.Locator(".field", new PageLocatorOptions { Has = page.Locator("#Form_Deadline") });
            await Assertions.Expect(deadlineField.Locator(".field-error")).ToContainTextAsync("is not a deadline");
            await Assertions.Expect(page.Locator("#Form_Name")).ToHaveValueAsync("browser-night");
            Assert.Equal(3, await page.Locator("[data-agent-row]").CountAsync());
            await Shot(page, "console-02-form-problem");

            await page.FillAsync("#Form_Deadline", "in 20m");
            await page.ClickAsync("button:has-text('Start campaign')");
            await page.WaitForURLAsync("**/campaigns/browser-night-*");
            await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("started");
            var campaignUrl = page.Url;

            // Live: results arrive over server-sent events; the page is never reloaded.
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#recent tbody tr[data-sequence]').length >= 3",
                null, new PageWaitForFunctionOptions { Timeout = (float)Long.TotalMilliseconds });
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true && Number(document.getElementById('live').dataset.updates) > 0"));
            Assert.True(await page.Locator("#best-chart circle[data-sequence]").CountAsync() >= 1);
            Assert.Equal(3, await page.Locator("#agents tbody tr[data-agent]").CountAsync());
            Assert.True(await page.Locator("#agents .bar").CountAsync() >= 6);
            Assert.True(await page.Locator("#latest-journal li").CountAsync() >= 1);
            await Shot(page, "console-03-live");
            await Assertions.Expect(page.Locator("[data-bind=state]")).ToHaveTextAsync("Completed", new LocatorAssertionsToHaveTextOptions { Timeout = (float)Long.TotalMilliseconds });
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
            await Assertions.Expect(page.Locator("[data-bind=progress]")).ToHaveTextAsync("10/10");
            await Assertions.Expect(page.Locator("#best-chart path.best-line")).ToHaveCountAsync(1);
            await Shot(page, "console-04-finished");
            var row = list.Locator("#campaigns tbody tr[data-campaign^='browser-night-']");
            await Assertions.Expect(row).ToContainTextAsync("Completed", new LocatorAssertionsToContainTextOptions { Timeout = 20_000 });
            await Assertions.Expect(row).ToContainTextAsync("10/10");
            Assert.True(await list.EvaluateAsync<bool>("() => window.__sameDocument === true"));
            // A tab in the background draws no frames to capture: bring it forward for its screenshot, then go back.
            await list.BringToFrontAsync();
            await Shot(list, "console-04b-campaigns-list");
            await list.CloseAsync();
            await page.BringToFrontAsync();

            // An experiment: its parameters, log, metric and sandbox.
            await page.Locator("#recent tbody tr[data-sequence] a").First.ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Experiment #");
            await Assertions.Expect(page.Locator("#parameters")).ToContainTextAsync("x1");
            await Assertions.Expect(page.Locator("#log-head")).ToContainTextAsync("METRIC value=");
            await Assertions.Expect(page.Locator("#limits")).ToContainTextAsync("network none");
            await Assertions.Expect(page.Locator("#metric-curve")).ToBeVisibleAsync();
            await Shot(page, "console-05-experiment");

            // The journal: an empty note is refused next to the box; a real one lands at the top.
            await page.GotoAsync(campaignUrl + "/journal");
            await page.ClickAsync("button:has-text('Add note')");
            await Assertions.Expect(page.Locator("#note-form .field-error")).ToContainTextAsync("the text is empty");
            await page.FillAsync("#note-text", "Branin has three minima; look near x1 = 9.42 tomorrow.");
            await page.FillAsync("input[name=Author]", "alice");
            await page.ClickAsync("button:has-text('Add note')");
            var top = page.Locator("#journal li").First;
            await Assertions.Expect(top).ToContainTextAsync("look near x1 = 9.42");
            await Assertions.Expect(top).ToContainTextAsync("alice");
            await Shot(page, "console-06-journal");

            // Reports: the final one is there and rendered; a new one can be written.
            await page.ClickAsync("nav.tabs >> text=Reports");
            await Assertions.Expect(page.Locator("#report-list li")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#report-list li").First).ToContainTextAsync("final");
            var report = page.FrameLocator("#report-frame");
            await Assertions.Expect(report.Locator("h1")).ToContainTextAsync("browser-night");
            await Assertions.Expect(report.Locator("body")).ToContainTextAsync("Reproduce the best");
            await page.ClickAsync("button:has-text('Write a report now')");
            await Assertions.Expect(page.Locator("#report-list li")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#report-list li.active")).ToContainTextAsync("on-demand");
            await Shot(page, "console-07-report");

            Assert.Empty(context.Requests.Blocked);
            // The refused sign-in (401), form (400) and note (400) are answered with their status, which the browser logs;
            // anything else (a script error, a Content-Security-Policy violation) fails the test.
            var expected = new[] { "status of 401", "status of 400", "status of 400" };
            var statusLines = context.Errors.Where(e => e.Contains("Failed to load resource: the server responded with a status of 40", StringComparison.Ordinal)).ToList();
            Assert.Equal(expected.Length, statusLines.Count);
            Assert.Empty(context.Errors.Except(statusLines));
        }
        catch
        {
            await Shot(page, "console-failure");
            output.WriteLine(console.Output);
            throw;
        }
    }

    private Task<string> Shot(IPage page, string name) => TestArtifacts.SaveScreenshotAsync(page, name, output.WriteLine);
}
