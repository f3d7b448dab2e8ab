using System.Text.RegularExpressions;
using AutoResearch.Testing.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoResearch.Web.BrowserTests;

/// <summary>
/// The console bugs of issue 17 that show in the page, in a real browser against a real server (its own, so it can be
/// restarted and its sign-in limit used up): every form error at once, a goal that opens an HTML comment, a refused top-up
/// in red, the disconnected banner and reconnection, a new token shown once and a revoke that asks first, and the page
/// shown on the 11th sign-in. Screenshots: <c>TestResults/artifacts/console-bugs-*.png</c>.
/// </summary>
public sealed class ConsoleBugsInBrowserTests(ServedConsole console, ITestOutputHelper output) : IClassFixture<ServedConsole>
{
    private const string CommentGoal = "<!--<script>alert(1)</script> find the minimum of Branin";

    [Fact]
    public async Task The_bugs_found_in_the_browser_stay_fixed()
    {
        await using var context = await console.Chromium.NewLocalContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } }, [console.BaseUrl]);
        var page = await context.Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var dialogs = new List<string>();
        var acceptDialogs = true;
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            if (acceptDialogs) await dialog.AcceptAsync();
            else await dialog.DismissAsync();
        };
        try
        {
            await page.GotoAsync(console.BaseUrl + "/login");
            await page.FillAsync("#password", ServedConsole.Password);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");

            // One type error no longer hides the others, and an empty goal is one of them.
            await page.GotoAsync(console.BaseUrl + "/campaigns/new");
            await page.FillAsync("#Form_Name", "Bad Name!");
            await page.FillAsync("#Form_Goal", "");
            await page.SelectOptionAsync("#Form_Benchmark", "branin");
            await page.FillAsync("#Form_MaxExperiments", "lots");
            await page.FillAsync("#Form_CpuHours", "two");
            await page.ClickAsync("button:has-text('Start campaign')");
            foreach (var (field, says) in new[] { ("Name", "lowercase letters"), ("Goal", "say what the campaign is after"), ("MaxExperiments", "'lots' is not a number"), ("CpuHours", "'two' is not a number") })
                await Assertions.Expect(Field(page, field).Locator(".field-error")).ToContainTextAsync(says);
            await Shot(page, "console-bugs-01-all-form-errors");

            // A goal that opens an HTML comment is shown as typed, and the page below the title still works.
            await page.FillAsync("#Form_Name", "comment-night");
            await page.FillAsync("#Form_Goal", CommentGoal);
            await page.FillAsync("#Form_Deadline", "in 20m");
            await page.FillAsync("#Form_MaxExperiments", "400");
            await page.FillAsync("#Form_CpuHours", "");
            await page.FillAsync("#Form_Slots", "1");
            await page.ClickAsync("button:has-text('Start campaign')");
            await page.WaitForURLAsync("**/campaigns/comment-night-*");
            var campaignUrl = page.Url;
            await Assertions.Expect(page.Locator(".page-head p.muted")).ToContainTextAsync(CommentGoal);
            await Assertions.Expect(page.Locator("button:has-text('Stop')")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#agents tbody tr[data-agent]").First).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => Number(document.getElementById('live').dataset.updates) > 0");
            Assert.Equal(0, await page.Locator("body script:not([src]):not([type='application/json'])").CountAsync());
            // The system's "Campaign started … deadline <UTC>" entry shows its deadline in the viewer's time, as the page does.
            var started = page.Locator("#latest-journal li", new PageLocatorOptions { HasText = "Campaign started" }).Locator(".text");
            await Assertions.Expect(started.Locator("time")).ToHaveCountAsync(1);
            Assert.DoesNotMatch(@"\d{2}:\d{2}:\d{2}Z", await started.InnerTextAsync());
            Assert.Equal(await page.Locator("[data-bind=deadline]").InnerTextAsync(), await started.Locator("time").InnerTextAsync());
            await Shot(page, "console-bugs-02-comment-goal");

            // A refused top-up (no CPU limit to top up) and an empty budget are said in a red banner, in hours.
            var budget = page.Locator("form.control-form", new PageLocatorOptions { Has = page.Locator("button:has-text('Apply budget')") });
            await budget.Locator("input[name='Control.CpuHours']").FillAsync("1");
            await budget.Locator("button:has-text('Apply budget')").ClickAsync();
            var banner = page.Locator("p.flash");
            await Assertions.Expect(banner).ToContainTextAsync("no CPU limit to top up");
            await Assertions.Expect(banner).ToHaveClassAsync(new Regex("flash-error"));
            Assert.Equal("rgb(254, 242, 242)", await banner.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
            await Shot(page, "console-bugs-03-refused-top-up");
            await budget.Locator("button:has-text('Apply budget')").ClickAsync();
            await Assertions.Expect(banner).ToContainTextAsync("give at least one of GPU-hours, CPU-hours or tokens");
            await Assertions.Expect(banner).ToHaveClassAsync(new Regex("flash-error"));
            await budget.Locator("select[name='Control.Mode']").SelectOptionAsync("set");
            await budget.Locator("input[name='Control.CpuHours']").FillAsync("1.5");
            await budget.Locator("button:has-text('Apply budget')").ClickAsync();
            await Assertions.Expect(banner).ToContainTextAsync("CPU 1.5 h");
            await Assertions.Expect(banner).Not.ToHaveClassAsync(new Regex("flash-error"));
            await Assertions.Expect(page.Locator("#latest-journal li", new PageLocatorOptions { HasText = "Campaign budget changed" })).ToContainTextAsync("CPU-s 5400 (1.5 h)");

            // The server goes away: a banner says so at once; when it is back, the page reconnects by itself.
            // The campaigns list, open in another tab, says so too.
            var list = await context.Context.NewPageAsync();
            await list.GotoAsync(console.BaseUrl + "/");
            await Assertions.Expect(list.Locator("#campaigns tbody tr[data-campaign]")).ToHaveCountAsync(1);
            await page.BringToFrontAsync();
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");
            var restart = console.RestartAsync(down: TimeSpan.FromSeconds(8));
            try
            {
                await Assertions.Expect(page.Locator("#disconnected")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
                await Assertions.Expect(page.Locator("#disconnected")).ToContainTextAsync("reconnecting");
                await Assertions.Expect(list.Locator("#disconnected")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
                await Shot(page, "console-bugs-04-disconnected");
            }
            finally
            {
                // The server comes back (and a failure to come back is reported) whatever the assertions above found.
                await restart;
            }
            await Assertions.Expect(page.Locator("#disconnected")).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 90_000 });
            await Assertions.Expect(list.Locator("#disconnected")).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 30_000 });
            await list.CloseAsync();
            await page.WaitForFunctionAsync("() => Number(document.getElementById('live').dataset.reconnects) >= 1");
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
            await Shot(page, "console-bugs-05-reconnected");

            // Stop asks first; "why it ended" is a few words, the rest behind a disclosure.
            await page.ClickAsync("button:has-text('Stop')");
            await Assertions.Expect(banner).ToContainTextAsync("Stop");
            Assert.Contains(dialogs, d => d.Contains("Stop for good", StringComparison.Ordinal));
            var endedCells = page.Locator("#recent td.ended");
            foreach (var text in await endedCells.Locator(".because").AllTextContentsAsync())
                Assert.True(text.Length <= 80, $"'why it ended' shows {text.Length} characters: {text}");

            // The report fits its frame: nothing wider than the frame, however wide its tables.
            await page.GotoAsync(campaignUrl + "/reports");
            await page.ClickAsync("button:has-text('Write a report now')");
            var report = page.FrameLocator("#report-frame");
            await Assertions.Expect(report.Locator("h1")).ToContainTextAsync("comment-night");
            var frame = page.Frames.First(f => f.Url.Contains("/reports/", StringComparison.Ordinal));
            var (scroll, client) = (await frame.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await frame.EvaluateAsync<int>("() => document.documentElement.clientWidth"));
            Assert.True(scroll <= client, $"the report is {scroll} px wide in a frame of {client} px");
            await Shot(page, "console-bugs-05b-report-fits");

            // A new token is shown once, after a redirect: reloading makes no second one. Revoking asks first.
            await page.GotoAsync(console.BaseUrl + "/settings/tokens");
            await page.FillAsync("input[name=Name]", "night-script");
            await page.ClickAsync("button:has-text('Create token')");
            await Assertions.Expect(page.Locator("#new-token pre.secret")).ToContainTextAsync("art_");
            Assert.EndsWith("/settings/tokens", page.Url, StringComparison.Ordinal);
            await Shot(page, "console-bugs-06-token-created");
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#new-token")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#tokens tbody tr")).ToHaveCountAsync(1);
            acceptDialogs = false;
            await page.ClickAsync("#tokens button:has-text('Revoke')");
            Assert.Contains(dialogs, d => d.Contains("Revoke the token 'night-script'", StringComparison.Ordinal));
            // Dismissed: nothing was posted, so the token is still there after a fresh read of the page.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#tokens tbody tr")).ToHaveCountAsync(1);
            acceptDialogs = true;
            await page.ClickAsync("#tokens button:has-text('Revoke')");
            await Assertions.Expect(page.Locator("p.flash")).ToContainTextAsync("Token revoked");
            await Assertions.Expect(page.Locator("#tokens tbody tr")).ToHaveCountAsync(0);

            // The tab has an icon.
            var icon = await page.APIRequest.GetAsync(console.BaseUrl + (await page.Locator("link[rel=icon]").GetAttributeAsync("href")));
            Assert.Equal(200, icon.Status);

            // Sign out; ten wrong passwords, then the right one: refused with a page that says why and when to try again.
            await page.ClickAsync("button:has-text('Sign out')");
            await page.WaitForURLAsync("**/login");
            for (var i = 0; i < 10; i++)
            {
                await page.FillAsync("#password", "wrong-" + i);
                await page.ClickAsync("button[type=submit]");
                await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin password");
            }
            await page.FillAsync("#password", ServedConsole.Password);
            var limited = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Url.Contains("/login", StringComparison.Ordinal) && r.Request.Method == "POST");
            Assert.Equal(429, limited.Status);
            Assert.True(int.TryParse(await limited.HeaderValueAsync("retry-after"), out var retryAfter) && retryAfter is > 0 and <= 60, "no Retry-After");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Too many sign-in attempts");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("the right password too");
            await Shot(page, "console-bugs-07-too-many-sign-ins");

            Assert.Empty(context.Requests.Blocked);
            // Status answers (401, 429) and the refused connection while the server was down are logged by the browser;
            // a script error or a Content-Security-Policy violation is not allowed.
            Assert.DoesNotContain(context.Errors, e => e.StartsWith("page error", StringComparison.Ordinal) || e.Contains("Content Security Policy", StringComparison.Ordinal));
        }
        catch
        {
            await Shot(page, "console-bugs-failure");
            output.WriteLine(console.Output);
            throw;
        }
    }

    private static ILocator Field(IPage page, string name) =>
        page.Locator(".field", new PageLocatorOptions { Has = page.Locator($"#Form_{name}") });

    private Task<string> Shot(IPage page, string name) => TestArtifacts.SaveScreenshotAsync(page, name, output.WriteLine);
}
