using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Testing.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoResearch.Web.BrowserTests;

/// <summary>
/// Approve-before-run and the lab quota (issue 17) in a real browser against a real server running real sandboxes. A
/// branin campaign started from the New campaign form with "CPU-hours per run over 0": every experiment waits; the live
/// page's banner says how many and since when; one is approved from the Running table (it runs and succeeds) and one is
/// rejected with a reason typed while the page kept updating (recorded as rejected by a person), each checked through the
/// API. Then the admin sets the quota on its page (bad values first: every problem at once, in red), a campaign whose
/// budget exceeds what is left is refused in red naming the resource, and a viewer reads the quota but gets no form.
/// One server, one campaign. Screenshots: <c>TestResults/artifacts/approval-*.png</c>, <c>quota-*.png</c>.
/// </summary>
public sealed class ApprovalAndQuotaInBrowserTests(ServedConsole console, ITestOutputHelper output) : IClassFixture<ServedConsole>
{
    private const string ViewerPassword = "lab-viewer-password";
    private const string Red = "rgb(220, 38, 38)";
    private static readonly TimeSpan Run = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Experiments_over_the_threshold_are_approved_and_rejected_from_the_live_page_and_the_quota_refuses_a_campaign_over_it()
    {
        await using var context = await console.Chromium.NewLocalContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } }, [console.BaseUrl]);
        var page = await context.Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        var flash = page.Locator("p.flash");
        try
        {
            await SignInAsync(page, "admin", ServedConsole.Password);

            // A campaign whose every run waits for a person: branin's worst case is over 0 CPU-hours.
            await page.GotoAsync(console.BaseUrl + "/campaigns/new");
            await page.FillAsync("#Form_Name", "approve-night");
            await page.FillAsync("#Form_Goal", "Lower branin; a person approves each run");
            await page.SelectOptionAsync("#Form_Benchmark", "branin");
            await page.FillAsync("#Form_Deadline", "in 30m");
            await page.FillAsync("#Form_MaxExperiments", "400");
            await page.FillAsync("#Form_Slots", "1");
            await page.FillAsync("#Form_ApprovalCpuHoursOver", "0");
            await page.ClickAsync("button:has-text('Start campaign')");
            await page.WaitForURLAsync("**/campaigns/approve-night-*", new PageWaitForURLOptions { Timeout = 120_000 });
            var campaignUrl = page.Url;
            var id = campaignUrl[(campaignUrl.LastIndexOf('/') + 1)..];

            // The banner: how many await and since when (live), with the Approve / Reject forms in the Running table.
            var awaiting = page.Locator("#awaiting-approval");
            await Assertions.Expect(awaiting).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 90_000 });
            await Assertions.Expect(awaiting).ToContainTextAsync(new Regex(@"\d+ experiment\(s\) awaiting approval since \S+"), new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
            await Assertions.Expect(awaiting).ToContainTextAsync(new Regex(@"awaiting approval since .*\S: approve or reject them in the Running table below"));
            var detail = await DetailAsync(page, id);
            Assert.True(detail.GetProperty("awaitingApprovalCount").GetInt32() >= 1, detail.ToString());
            Assert.Equal(JsonValueKind.String, detail.GetProperty("awaitingApprovalSince").ValueKind);
            var forms = page.Locator("#running form.approval-form");
            await Assertions.Expect(forms.First).ToBeVisibleAsync();
            var firstRow = forms.First.Locator("xpath=ancestor::tr");
            await Assertions.Expect(firstRow).ToContainTextAsync("awaiting approval");
            await Shot(page, "approval-01-banner");

            // Approve one: it takes a slot, runs and succeeds.
            var approved = int.Parse((await forms.First.GetAttributeAsync("data-approval"))!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(approved, await AwaitingNowAsync(page, id));
            await forms.First.Locator("input[name=reason]").FillAsync("cheap enough");
            await forms.First.Locator("button:has-text('Approve')").ClickAsync();
            await Assertions.Expect(flash).ToContainTextAsync($"Approval of #{approved} applied");
            await Assertions.Expect(flash).Not.ToHaveClassAsync(new Regex("flash-error"));
            await Shot(page, "approval-02-approved");

            // Reject another with a reason typed while the live page updates (the approved run ending updates it).
            var next = page.Locator($"#running form.approval-form:not([data-approval='{approved}'])").First;
            await Assertions.Expect(next).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
            var rejected = int.Parse((await next.GetAttributeAsync("data-approval"))!, System.Globalization.CultureInfo.InvariantCulture);
            var reason = page.Locator($"#running form.approval-form[data-approval='{rejected}'] input[name=reason]");
            await reason.FillAsync("not tonight");
            var updates = await LiveUpdatesAsync(page);
            var ran = await WaitForAsync(async () =>
            {
                var e = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments/{approved}");
                return e.GetProperty("summary").GetProperty("endedAt").ValueKind == JsonValueKind.Null ? null : (JsonElement?)e;
            }, Run, $"approved experiment #{approved} to run and end");
            Assert.Equal("Succeeded", ran.GetProperty("summary").GetProperty("status").GetString());
            await page.WaitForFunctionAsync($"() => Number(document.getElementById('live').dataset.updates) > {updates}", null,
                new PageWaitForFunctionOptions { Timeout = 60_000 });
            await Assertions.Expect(reason).ToHaveValueAsync("not tonight");
            await page.Locator($"#running form.approval-form[data-approval='{rejected}'] button:has-text('Reject')").ClickAsync();
            await Assertions.Expect(flash).ToContainTextAsync($"Rejection of #{rejected} applied");
            await Assertions.Expect(flash).Not.ToHaveClassAsync(new Regex("flash-error"));
            var refused = await WaitForAsync(async () =>
            {
                var e = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments/{rejected}");
                return e.GetProperty("summary").GetProperty("endedAt").ValueKind == JsonValueKind.Null ? null : (JsonElement?)e;
            }, Run, $"rejected experiment #{rejected} to be recorded");
            Assert.Equal("Failed", refused.GetProperty("summary").GetProperty("status").GetString());
            Assert.Equal("rejected by a person (awaited approval)", refused.GetProperty("summary").GetProperty("endedBecause").GetString());
            Assert.EndsWith("): not tonight", refused.GetProperty("summary").GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(rejected, await AwaitingNowAsync(page, id));
            var journal = await GetJsonAsync(page, $"/api/campaigns/{id}/journal");
            Assert.Contains(journal.EnumerateArray(), n => n.GetProperty("text").GetString()!.Contains($"Experiment #{approved} approved by console (admin) (cheap enough)", StringComparison.Ordinal));
            await Shot(page, "approval-03-rejected");

            // Done with the campaign: stopped from its page.
            await page.FillAsync("section.controls input[name='Control.Reason']", "approval checked");
            await page.ClickAsync("section.controls button:has-text('Stop')");
            await Assertions.Expect(page.Locator("[data-bind=state]")).ToHaveTextAsync(new Regex("Stopped|Completed"), new LocatorAssertionsToHaveTextOptions { Timeout = (float)Run.TotalMilliseconds });

            // The quota page: bad values are all named at once, in red; nothing is set.
            await page.ClickAsync("header nav >> text=Quota");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Lab quota");
            var quotaForm = page.Locator("#quota-form");
            await quotaForm.Locator("input[name=GpuHours]").FillAsync("lots");
            await quotaForm.Locator("input[name=CpuHours]").FillAsync("-1");
            await quotaForm.Locator("input[name=Tokens]").FillAsync("5e6x");
            await quotaForm.Locator("button:has-text('Set quota')").ClickAsync();
            var errors = page.Locator("p.field-error");
            await Assertions.Expect(errors).ToHaveCountAsync(3);
            await Assertions.Expect(errors.Filter(new LocatorFilterOptions { HasText = "GPU-hours: 'lots' is not a number" })).ToHaveCountAsync(1);
            await Assertions.Expect(errors.Filter(new LocatorFilterOptions { HasText = "CPU-hours must be 0 (no limit) or more, not -1" })).ToHaveCountAsync(1);
            await Assertions.Expect(errors.Filter(new LocatorFilterOptions { HasText = "Tokens: '5e6x' is not a number" })).ToHaveCountAsync(1);
            foreach (var error in await errors.AllAsync()) await Assertions.Expect(error).ToHaveCSSAsync("color", Red);
            await Assertions.Expect(quotaForm.Locator("input[name=GpuHours]")).ToHaveValueAsync("lots");
            await Assertions.Expect(quotaForm.Locator("input[name=CpuHours]")).ToHaveValueAsync("-1");
            Assert.Equal(0.0, (await GetJsonAsync(page, "/api/quota")).GetProperty("cpuHours").GetDouble());
            await Shot(page, "quota-01-refused");

            // One CPU-hour (the night so far used seconds of it) and five million tokens.
            await quotaForm.Locator("input[name=GpuHours]").FillAsync("");
            await quotaForm.Locator("input[name=CpuHours]").FillAsync("1");
            await quotaForm.Locator("input[name=Tokens]").FillAsync("5000000");
            await quotaForm.Locator("button:has-text('Set quota')").ClickAsync();
            await Assertions.Expect(flash).ToContainTextAsync("Quota set: no limit GPU-hours, 1 CPU-hours, 5000000 tokens.");
            await Assertions.Expect(flash).Not.ToHaveClassAsync(new Regex("flash-error"));
            await Assertions.Expect(page.Locator("#quota tr[data-resource=CpuHours] td").Nth(1)).ToHaveTextAsync("1");
            await Assertions.Expect(page.Locator("#quota tr[data-resource=Tokens] td").Nth(1)).ToHaveTextAsync("5000000");
            var quota = await GetJsonAsync(page, "/api/quota");
            Assert.Equal((1.0, 5_000_000L, "admin"), (quota.GetProperty("cpuHours").GetDouble(), quota.GetProperty("tokens").GetInt64(), quota.GetProperty("setBy").GetString()));
            Assert.InRange(quota.GetProperty("cpuHoursLeft").GetDouble(), 0.5, 1.0);
            await Shot(page, "quota-02-set");

            // A campaign asking two CPU-hours: refused in red, naming the resource and the numbers; not started.
            await page.ClickAsync("header nav >> text=New campaign");
            await page.FillAsync("#Form_Name", "over-quota");
            await page.FillAsync("#Form_Goal", "More than the lab has left");
            await page.SelectOptionAsync("#Form_Benchmark", "branin");
            await page.FillAsync("#Form_Deadline", "in 30m");
            await page.FillAsync("#Form_MaxExperiments", "10");
            await page.FillAsync("#Form_CpuHours", "2");
            await page.ClickAsync("button:has-text('Start campaign')");
            var problems = page.Locator("#form-problems");
            await Assertions.Expect(problems).ToBeVisibleAsync();
            var refusal = page.Locator("#new-campaign p.field-error, #form-problems p", new PageLocatorOptions { HasText = "exceeds what is left of the lab's quota" });
            await Assertions.Expect(refusal).ToHaveCountAsync(1);
            await Assertions.Expect(refusal).ToContainTextAsync("the campaign's CPU-hours budget (2 CPU-hours)");
            await Assertions.Expect(refusal).ToContainTextAsync("of 1 CPU-hours");
            await Assertions.Expect(problems).ToHaveCSSAsync("background-color", "rgb(254, 242, 242)");
            Assert.EndsWith("/campaigns/new", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
            var campaigns = await GetJsonAsync(page, "/api/campaigns");
            Assert.DoesNotContain(campaigns.EnumerateArray(), c => c.GetProperty("name").GetString() == "over-quota");
            await Shot(page, "quota-03-campaign-refused");

            // A viewer reads the quota, with no form.
            await page.ClickAsync("header nav >> text=Users");
            var add = page.Locator("#add-user");
            await add.Locator("input[name=Name]").FillAsync("vera");
            await add.Locator("input[name=Password]").FillAsync(ViewerPassword);
            await add.Locator("select[name=Role]").SelectOptionAsync("viewer");
            await add.Locator("button:has-text('Add user')").ClickAsync();
            await Assertions.Expect(flash).ToContainTextAsync("User 'vera' added as viewer.");
            await SignOutAsync(page);
            await SignInAsync(page, "vera", ViewerPassword);
            await page.ClickAsync("header nav >> text=Quota");
            await Assertions.Expect(page.Locator("#quota tr[data-resource=CpuHours] td").Nth(1)).ToHaveTextAsync("1");
            await Assertions.Expect(page.Locator("#quota tr[data-resource=Tokens] td").Nth(1)).ToHaveTextAsync("5000000");
            await Assertions.Expect(page.Locator("#quota-form")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("button:has-text('Set quota')")).ToHaveCountAsync(0);
            await Shot(page, "quota-04-viewer");

            Assert.Empty(context.Requests.Blocked);
            Assert.DoesNotContain(context.Errors, e => e.StartsWith("page error", StringComparison.Ordinal) || e.Contains("Content Security Policy", StringComparison.Ordinal));
        }
        catch
        {
            await Shot(page, "approval-failure");
            output.WriteLine(console.Output);
            throw;
        }
    }

    /// <summary>The sequences of the campaign's experiments awaiting approval now, from the API.</summary>
    private async Task<int[]> AwaitingNowAsync(IPage page, string id)
    {
        var rows = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments?limit=1000");
        return [.. rows.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("status").GetString() == "AwaitingApproval").Select(e => e.GetProperty("sequence").GetInt32())];
    }

    private static async Task<int> LiveUpdatesAsync(IPage page) =>
        int.Parse(await page.EvaluateAsync<string>("() => document.getElementById('live').dataset.updates || '0'"), System.Globalization.CultureInfo.InvariantCulture);

    private Task SignInAsync(IPage page, string name, string password) => ConsolePages.SignInAsync(page, console.BaseUrl, name, password);

    private Task SignOutAsync(IPage page) => ConsolePages.SignOutAsync(page, console.BaseUrl);

    private Task<JsonElement> DetailAsync(IPage page, string id) => GetJsonAsync(page, $"/api/campaigns/{id}");

    private Task<JsonElement> GetJsonAsync(IPage page, string path) => ConsolePages.GetJsonAsync(page, console.BaseUrl, path);

    private static Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : struct => ConsolePages.WaitForAsync(probe, timeout, what);

    private Task<string> Shot(IPage page, string name) => TestArtifacts.SaveScreenshotAsync(page, name, output.WriteLine);
}
