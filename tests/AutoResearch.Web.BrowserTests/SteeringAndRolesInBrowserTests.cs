using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Testing.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoResearch.Web.BrowserTests;

/// <summary>
/// Steering a running campaign from its live page, and the lab's roles, in a real browser against a real server running
/// real sandboxes: new limits (deadline, most experiments, slots), "try this configuration next", stopping one running
/// experiment from its page and a note about it there, each with bad input first (red banner naming every problem) and checked afterwards through the
/// API; then users added on the admin's page, each signing in through the sign-in form: a viewer sees no controls, a
/// researcher steers (and stops the campaign), only an admin sees the users and audit pages, and the audit log names who did
/// what. One campaign of digits-mlp serves every step (its runs last seconds, so a stop lands while one runs).
/// Screenshots: <c>TestResults/artifacts/steering-*.png</c>.
/// </summary>
public sealed class SteeringAndRolesInBrowserTests(ServedConsole console, ITestOutputHelper output) : IClassFixture<ServedConsole>
{
    private const string UserPassword = "lab-member-password";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Limits_a_configuration_and_a_stopped_experiment_from_the_live_page_and_each_role_sees_what_it_may_do()
    {
        await using var context = await console.Chromium.NewLocalContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 } }, [console.BaseUrl]);
        var page = await context.Context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        var banner = page.Locator("p.flash");
        try
        {
            await SignInAsync(page, "admin", ServedConsole.Password);

            await page.GotoAsync(console.BaseUrl + "/campaigns/new");
            await page.FillAsync("#Form_Name", "steer-night");
            await page.FillAsync("#Form_Goal", "Lower the digits error; people steer it");
            await page.SelectOptionAsync("#Form_Benchmark", "digits-mlp");
            await page.FillAsync("#Form_Deadline", "in 30m");
            await page.FillAsync("#Form_MaxExperiments", "400");
            await page.FillAsync("#Form_Slots", "2");
            await page.ClickAsync("button:has-text('Start campaign')");
            // Starting it (its campaign file, silo grains, the first sandbox) can take a while on a busy machine.
            await page.WaitForURLAsync("**/campaigns/steer-night-*", new PageWaitForURLOptions { Timeout = 120_000 });
            var campaignUrl = page.Url;
            var id = campaignUrl[(campaignUrl.LastIndexOf('/') + 1)..];
            await Assertions.Expect(page.Locator("[data-bind=state]")).ToHaveTextAsync("Running", new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 });

            // Limits: two bad fields are named together in red, nothing changes; then a new deadline, most experiments and slots.
            var limits = page.Locator("#limits-form");
            await limits.Locator("input[name='Limits.MaxExperiments']").FillAsync("0");
            await limits.Locator("input[name='Limits.Slots']").FillAsync("many");
            await limits.Locator("button:has-text('Change limits')").ClickAsync();
            await Assertions.Expect(banner).ToHaveClassAsync(new Regex("flash-error"));
            await Assertions.Expect(banner).ToContainTextAsync("'many' is not a whole number");
            await Assertions.Expect(banner).ToContainTextAsync("must be from 1 to");
            Assert.Equal(400, (await DetailAsync(page, id)).GetProperty("campaign").GetProperty("maxExperiments").GetInt32());
            await Shot(page, "steering-01-limits-refused");
            await limits.Locator("input[name='Limits.Deadline']").FillAsync("in 2h");
            await limits.Locator("input[name='Limits.MaxExperiments']").FillAsync("300");
            await limits.Locator("input[name='Limits.Slots']").FillAsync("1");
            await limits.Locator("input[name='Limits.Reason']").FillAsync("one slot, longer night");
            await limits.Locator("button:has-text('Change limits')").ClickAsync();
            await Assertions.Expect(banner).ToContainTextAsync("max_experiments 400 → 300");
            await Assertions.Expect(banner).Not.ToHaveClassAsync(new Regex("flash-error"));
            await Assertions.Expect(page.Locator("[data-bind=progress]")).ToContainTextAsync("/300");
            await Assertions.Expect(limits.Locator("input[name='Limits.Slots']")).ToHaveAttributeAsync("placeholder", "1");
            var detail = await DetailAsync(page, id);
            Assert.Equal(300, detail.GetProperty("campaign").GetProperty("maxExperiments").GetInt32());
            Assert.Equal(1, detail.GetProperty("slots").GetInt32());
            Assert.InRange(detail.GetProperty("campaign").GetProperty("deadline").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(110), DateTimeOffset.UtcNow.AddMinutes(121));
            await Assertions.Expect(page.Locator("#latest-journal li", new PageLocatorOptions { HasText = "Campaign limits changed" }).First).ToBeVisibleAsync();
            await Shot(page, "steering-02-limits-applied");

            // Try this configuration next: every bad value named at once; then one the agent runs next, as a person's proposal.
            var tryForm = page.Locator("#try-form");
            await tryForm.Locator("textarea[name='Try.Parameters']").FillAsync("lr=9\nnope=1");
            await tryForm.Locator("button:has-text('Queue configuration')").ClickAsync();
            await Assertions.Expect(banner).ToHaveClassAsync(new Regex("flash-error"));
            await Assertions.Expect(banner).ToContainTextAsync("outside");
            await Assertions.Expect(banner).ToContainTextAsync("not declared by benchmark digits-mlp");
            await Shot(page, "steering-03-configuration-refused");
            var agent = await tryForm.Locator("select[name='Try.Agent'] option[value]:not([value=''])").First.GetAttributeAsync("value");
            await tryForm.Locator("select[name='Try.Agent']").SelectOptionAsync(agent!);
            await tryForm.Locator("textarea[name='Try.Parameters']").FillAsync("epochs=12, lr=0.0123");
            await tryForm.Locator("input[name='Try.Reason']").FillAsync("a short run near a good rate");
            await tryForm.Locator("button:has-text('Queue configuration')").ClickAsync();
            await Assertions.Expect(banner).ToContainTextAsync($"queued as agent {agent}'s next proposal");
            await Assertions.Expect(banner).Not.ToHaveClassAsync(new Regex("flash-error"));
            var person = await WaitForAsync(async () =>
            {
                var rows = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments?limit=1000");
                return rows.GetProperty("items").EnumerateArray()
                    .Where(e => e.GetProperty("parameters").TryGetProperty("lr", out var lr) && lr.GetString() == "0.0123")
                    .Select(e => (int?)e.GetProperty("sequence").GetInt32()).FirstOrDefault();
            }, Long, "the queued configuration as an experiment");
            var proposed = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments/{person}");
            Assert.Equal("person", proposed.GetProperty("proposerName").GetString());
            Assert.Equal(agent, proposed.GetProperty("summary").GetProperty("agent").GetString());
            Assert.Equal("12", proposed.GetProperty("summary").GetProperty("parameters").GetProperty("epochs").GetString());
            await page.GotoAsync($"{campaignUrl}/experiments/{person}");
            await Assertions.Expect(page.Locator("#parameters")).ToContainTextAsync("0.0123");
            await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("(person)");
            await Shot(page, "steering-04-configuration-run");

            // Stop one running experiment from its page (it asks first); the campaign goes on.
            var stopped = await StopOneRunningExperimentAsync(page, campaignUrl, id);
            Assert.Contains(dialogs, d => d.StartsWith($"Stop experiment #{stopped}?", StringComparison.Ordinal));
            // The experiment's page is not live: read again once the ledger has it ended.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#experiment-status")).ToHaveTextAsync("Failed");
            await Assertions.Expect(page.Locator("#status-reason")).ToContainTextAsync("stopped by");
            await Assertions.Expect(page.Locator("#stop-experiment")).ToHaveCountAsync(0);
            await Shot(page, "steering-05-experiment-stopped");

            // A note from the experiment's page: an empty one is refused in red; a real one lands in the journal about it.
            await page.ClickAsync("#experiment-note button:has-text('Add note')");
            await Assertions.Expect(banner).ToHaveClassAsync(new Regex("flash-error"));
            await Assertions.Expect(banner).ToContainTextAsync("Note not added");
            await page.FillAsync("#experiment-note textarea[name=text]", "Stopped: the learning rate was heading the wrong way.");
            await page.ClickAsync("#experiment-note button:has-text('Add note')");
            await Assertions.Expect(banner).ToContainTextAsync($"Note added to the journal about #{stopped}");
            await Assertions.Expect(banner).Not.ToHaveClassAsync(new Regex("flash-error"));
            var notes = await GetJsonAsync(page, $"/api/campaigns/{id}/journal");
            Assert.Contains(notes.EnumerateArray(), n => n.GetProperty("kind").GetString() == "note" && n.GetProperty("author").GetString() == "admin"
                && n.GetProperty("experimentSequence").GetInt32() == stopped && n.GetProperty("text").GetString()!.Contains("heading the wrong way", StringComparison.Ordinal));
            await Shot(page, "steering-05b-experiment-note");
            var after = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments/{stopped}");
            Assert.Equal("stopped by a person", after.GetProperty("summary").GetProperty("endedBecause").GetString());
            Assert.EndsWith("): wrong direction", after.GetProperty("summary").GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal("Running", (await DetailAsync(page, id)).GetProperty("campaign").GetProperty("state").GetString());

            // Users: the admin adds a viewer and a researcher on the users page.
            await page.ClickAsync("header nav >> text=Users");
            foreach (var (name, role) in new[] { ("vera", "viewer"), ("rita", "researcher") })
            {
                var add = page.Locator("#add-user");
                await add.Locator("input[name=Name]").FillAsync(name);
                await add.Locator("input[name=Password]").FillAsync(UserPassword);
                await add.Locator("select[name=Role]").SelectOptionAsync(role);
                await add.Locator("button:has-text('Add user')").ClickAsync();
                await Assertions.Expect(banner).ToContainTextAsync($"User '{name}' added as {role}.");
            }
            await Assertions.Expect(page.Locator("#users tbody tr")).ToHaveCountAsync(2);
            var users = await GetJsonAsync(page, "/api/users");
            Assert.Equal(["rita:researcher", "vera:viewer"], users.EnumerateArray().Select(u => $"{u.GetProperty("name").GetString()}:{u.GetProperty("role").GetString()}").Order().ToArray());
            await Shot(page, "steering-06-users");

            // A viewer: reads everything, is offered no control, no note, no users or audit page.
            await SignOutAsync(page);
            await SignInAsync(page, "vera", UserPassword);
            await Assertions.Expect(page.Locator("header .who")).ToHaveAttributeAsync("data-role", "viewer");
            await Assertions.Expect(page.Locator("header nav a", new PageLocatorOptions { HasText = "New campaign" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("header nav a", new PageLocatorOptions { HasText = "Users" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("header nav a", new PageLocatorOptions { HasText = "Audit" })).ToHaveCountAsync(0);
            await page.GotoAsync(campaignUrl);
            await page.WaitForFunctionAsync("() => Number(document.getElementById('live').dataset.updates) > 0");
            await Assertions.Expect(page.Locator("[data-bind=state]")).ToHaveTextAsync("Running");
            await Assertions.Expect(page.Locator("section.controls")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("button:has-text('Stop')")).ToHaveCountAsync(0);
            await Shot(page, "steering-07-viewer-live");
            await page.GotoAsync(campaignUrl + "/journal");
            await Assertions.Expect(page.Locator("#journal li").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#note-form")).ToHaveCountAsync(0);
            await page.GotoAsync($"{campaignUrl}/experiments/{stopped}");
            await Assertions.Expect(page.Locator("#parameters")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#experiment-note")).ToHaveCountAsync(0);
            foreach (var adminPage in new[] { "/settings/users", "/settings/audit" })
            {
                var refused = await page.GotoAsync(console.BaseUrl + adminPage);
                Assert.Equal(403, refused!.Status);
                await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Not allowed for your role");
            }
            await Shot(page, "steering-07b-viewer-refused-users-page");
            var viewerPost = await page.APIRequest.PostAsync($"{console.BaseUrl}/api/campaigns/{id}/limits",
                new APIRequestContextOptions { DataObject = new { maxExperiments = 200 }, FailOnStatusCode = false });
            Assert.Equal(403, viewerPost.Status);

            // A researcher: steers (the controls are there) and stops the campaign; still no users or audit page.
            await SignOutAsync(page);
            await SignInAsync(page, "rita", UserPassword);
            await Assertions.Expect(page.Locator("header .who")).ToHaveAttributeAsync("data-role", "researcher");
            await Assertions.Expect(page.Locator("header nav a", new PageLocatorOptions { HasText = "New campaign" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("header nav a", new PageLocatorOptions { HasText = "Users" })).ToHaveCountAsync(0);
            Assert.Equal(403, (await page.GotoAsync(console.BaseUrl + "/settings/users"))!.Status);
            await page.GotoAsync(campaignUrl);
            await Assertions.Expect(page.Locator("section.controls")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#limits-form")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#try-form")).ToBeVisibleAsync();
            await Shot(page, "steering-08-researcher-live");
            await page.FillAsync("section.controls input[name='Control.Reason']", "enough for tonight");
            await page.ClickAsync("section.controls button:has-text('Stop')");
            await Assertions.Expect(banner).ToContainTextAsync("Stop");
            await Assertions.Expect(page.Locator("[data-bind=state]")).ToHaveTextAsync(new Regex("Stopped|Completed"), new LocatorAssertionsToHaveTextOptions { Timeout = (float)Long.TotalMilliseconds });
            Assert.Matches("Stopped|Completed", (await DetailAsync(page, id)).GetProperty("campaign").GetProperty("state").GetString());

            // The admin again: the audit log names who changed what, the researcher's stop among it.
            await SignOutAsync(page);
            await SignInAsync(page, "admin", ServedConsole.Password);
            await page.ClickAsync("header nav >> text=Audit");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Audit log");
            var ritaRows = page.Locator("#audit tbody tr", new PageLocatorOptions { HasText = "rita" }).Filter(new LocatorFilterOptions { HasText = id });
            await Assertions.Expect(ritaRows.First).ToBeVisibleAsync();
            var adminRows = page.Locator("#audit tbody tr", new PageLocatorOptions { HasText = "admin" }).Filter(new LocatorFilterOptions { HasText = id });
            Assert.True(await adminRows.CountAsync() >= 3, "the admin's limits, configuration and experiment stop are not all in the audit log");
            var audit = await GetJsonAsync(page, "/api/audit?limit=200");
            Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("actor").GetString() == "rita" && e.GetProperty("campaign").GetString() == id && e.GetProperty("status").GetInt32() < 400);
            Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("actor").GetString() == "vera" && e.GetProperty("status").GetInt32() == 403);
            await Shot(page, "steering-09-audit");

            Assert.Empty(context.Requests.Blocked);
            Assert.DoesNotContain(context.Errors, e => e.StartsWith("page error", StringComparison.Ordinal) || e.Contains("Content Security Policy", StringComparison.Ordinal));
        }
        catch
        {
            await Shot(page, "steering-failure");
            output.WriteLine(console.Output);
            throw;
        }
    }

    /// <summary>Opens a running experiment's page and stops it; one that ends before the stop lands is skipped for the next.</summary>
    private async Task<int> StopOneRunningExperimentAsync(IPage page, string campaignUrl, string id)
    {
        var until = DateTime.UtcNow + Long;
        while (DateTime.UtcNow < until)
        {
            var running = (await DetailAsync(page, id)).GetProperty("running").EnumerateArray()
                .Where(e => e.GetProperty("status").GetString() == "Running").Select(e => (int?)e.GetProperty("sequence").GetInt32()).FirstOrDefault();
            if (running is not { } sequence)
            {
                await Task.Delay(500);
                continue;
            }
            await page.GotoAsync($"{campaignUrl}/experiments/{sequence}");
            if (await page.Locator("#stop-experiment").CountAsync() == 0) continue;
            await page.FillAsync("#stop-experiment input[name=reason]", "wrong direction");
            await page.ClickAsync("#stop-experiment button:has-text('Stop this experiment')");
            var banner = page.Locator("p.flash");
            await Assertions.Expect(banner).ToBeVisibleAsync();
            if (await banner.GetAttributeAsync("class") is { } css && css.Contains("flash-error", StringComparison.Ordinal))
            {
                // It ended between being read as running and the stop: "has already finished". Anything else is a failure.
                Assert.Contains("has already finished", await banner.InnerTextAsync(), StringComparison.Ordinal);
                continue;
            }
            var ended = await WaitForAsync(async () =>
            {
                var e = await GetJsonAsync(page, $"/api/campaigns/{id}/experiments/{sequence}");
                return e.GetProperty("summary").GetProperty("endedAt").ValueKind == JsonValueKind.Null ? null : (JsonElement?)e;
            }, Long, $"experiment #{sequence} to end after its stop");
            if (ended.GetProperty("summary").GetProperty("endedBecause").GetString() == "stopped by a person") return sequence;
        }
        throw new TimeoutException($"no running experiment was caught and stopped from its page within {Long}");
    }

    private Task SignInAsync(IPage page, string name, string password) => ConsolePages.SignInAsync(page, console.BaseUrl, name, password);

    private Task SignOutAsync(IPage page) => ConsolePages.SignOutAsync(page, console.BaseUrl);

    private Task<JsonElement> DetailAsync(IPage page, string id) => GetJsonAsync(page, $"/api/campaigns/{id}");

    private Task<JsonElement> GetJsonAsync(IPage page, string path) => ConsolePages.GetJsonAsync(page, console.BaseUrl, path);

    private static Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : struct => ConsolePages.WaitForAsync(probe, timeout, what);

    private Task<string> Shot(IPage page, string name) => TestArtifacts.SaveScreenshotAsync(page, name, output.WriteLine);
}
