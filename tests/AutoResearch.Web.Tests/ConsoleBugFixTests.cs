using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace AutoResearch.Web.Tests;

/// <summary>
/// The console bugs found in a real browser (issue 17), each checked over HTTP against the whole console: inline JSON that
/// typed text cannot break out of, sessions that end at sign-out, linear validation, friendly error pages, POST-redirect-GET
/// for new tokens, red banners for refusals, every form error at once, dashboard URLs with junk addresses, the favicon.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleBugFixTests(ConsoleFactory console)
{
    [Fact]
    public async Task Text_that_opens_an_html_comment_or_closes_a_script_cannot_break_out_of_the_pages_inline_json()
    {
        var id = await console.FinishedCampaignAsync();
        using var token = console.TokenClient();
        const string note = "<!--<script> and </script><script>alert(1)</script> & \u2028 done";
        using (var posted = await token.PostAsJsonAsync($"/api/campaigns/{id}/journal", new { text = note, author = "mallory" }))
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        using var admin = await console.SignedInClientAsync();
        foreach (var (page, scriptId) in new[] { ($"/campaigns/{id}", "initial-state"), ("/", "initial-campaigns") })
        {
            var html = await admin.GetStringAsync(page);
            var match = Regex.Match(html, $"<script type=\"application/json\" id=\"{scriptId}\">(.*?)</script>", RegexOptions.Singleline);
            Assert.True(match.Success, $"{page} has no {scriptId} script");
            var json = match.Groups[1].Value;
            // Nothing in the element can end it or start a comment: no '<' at all (nor '>' or '&').
            Assert.DoesNotContain('<', json);
            Assert.DoesNotContain('>', json);
            Assert.DoesNotContain('&', json);
            using var parsed = JsonDocument.Parse(json);
            if (scriptId == "initial-state")
                Assert.Contains(parsed.RootElement.GetProperty("latestJournal").EnumerateArray(), j => j.GetProperty("text").GetString() == note);
        }
    }

    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_after_it()
    {
        using var raw = console.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        raw.DefaultRequestHeaders.Add(ConsoleFactory.RemoteAddressHeader, console.NextRemoteAddress());
        var jar = new Dictionary<string, string>(StringComparer.Ordinal);
        var loginToken = await FormTokenAsync(raw, "/login", jar);
        using (var signIn = await SendAsync(raw, HttpMethod.Post, "/login", jar, new() { ["Password"] = ConsoleFactory.Password, ["__RequestVerificationToken"] = loginToken }))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.True(jar.ContainsKey("autoresearch.auth"), "no sign-in cookie was set");
        var copied = jar["autoresearch.auth"];

        using (var before = await SendAsync(raw, HttpMethod.Get, "/api/me", new() { ["autoresearch.auth"] = copied }))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var signOutToken = await FormTokenAsync(raw, "/", jar);
        using (var signOut = await SendAsync(raw, HttpMethod.Post, "/logout", jar, new() { ["__RequestVerificationToken"] = signOutToken }))
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var after = await SendAsync(raw, HttpMethod.Get, "/api/me", new() { ["autoresearch.auth"] = copied });
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var afterPage = await SendAsync(raw, HttpMethod.Get, "/", new() { ["autoresearch.auth"] = copied });
        Assert.Equal(HttpStatusCode.Redirect, afterPage.StatusCode);
        Assert.Contains("/login", afterPage.Headers.Location!.ToString(), StringComparison.Ordinal);

        // Other sessions are not touched.
        using var other = await console.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_agents_are_refused_at_once_with_the_limit_named()
    {
        using var client = console.TokenClient();
        var agents = Enumerable.Range(0, 10_000).Select(_ => new { role = "explorer" }).ToArray();
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/api/campaigns", new { name = "many-agents", goal = "too many", benchmark = "branin", deadline = "in 1h", maxExperiments = 5, agents });
        clock.Stop();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("at most 32 agents, not 10000", errors.GetProperty("agents")[0].GetString(), StringComparison.Ordinal);
        // Quadratic validation took 18 s here; linear takes well under one. The bound leaves room for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refusing 10,000 agents took {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"10,000 agents refused in {clock.Elapsed.TotalMilliseconds:F0} ms");

        // 32 agents of one role still get distinct ids: explorer-1 … explorer-32 (the ids are counted on, not searched for).
        var thirtyTwo = Enumerable.Range(0, 32).Select(_ => new { role = "explorer" }).ToArray();
        using var ok = await client.PostAsJsonAsync("/api/campaigns", new { name = "x", goal = "g", benchmark = "no-such", deadline = "in 1h", maxExperiments = 5, agents = thirtyTwo });
        var okErrors = (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.False(okErrors.TryGetProperty("agents", out _), okErrors.ToString());
        Assert.DoesNotContain(okErrors.EnumerateObject(), p => p.Name.EndsWith(".id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Form_posts_over_the_limits_get_a_page_that_says_what_happened()
    {
        using var admin = await console.SignedInClientAsync();
        var token = await ConsoleFactory.AntiforgeryTokenAsync(admin, "/campaigns/new");

        var tooManyFields = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", token) };
        for (var i = 0; i < 1500; i++) tooManyFields.Add(new($"Form.Agents[{i}].Role", "explorer"));
        using var many = await admin.PostAsync("/campaigns/new", new FormUrlEncodedContent(tooManyFields));
        await AssertFriendlyPageAsync(many, HttpStatusCode.BadRequest, "over the limits");

        using var tooLong = await admin.PostAsync("/campaigns/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Form.Goal"] = new string('x', 100_000),
        }));
        await AssertFriendlyPageAsync(tooLong, HttpStatusCode.BadRequest, "over the limits");

        // The API answers the same with a problem document, not a page.
        using var client = console.TokenClient();
        using var badJson = await client.PostAsync("/api/campaigns", new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal("application/problem+json", badJson.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty((await badJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Every_problem_of_the_form_is_named_at_once_and_an_empty_goal_is_one()
    {
        using var admin = await console.SignedInClientAsync();
        var token = await ConsoleFactory.AntiforgeryTokenAsync(admin, "/campaigns/new");
        using var response = await admin.PostAsync("/campaigns/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Form.Name"] = "Bad Name!",
            ["Form.Goal"] = "  ",
            ["Form.Benchmark"] = "branin",
            ["Form.Deadline"] = "when the cows come home",
            ["Form.MaxExperiments"] = "lots",
            ["Form.CpuHours"] = "two",
            ["Form.Agents[0].Role"] = "explorer",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("'lots' is not a number", html, StringComparison.Ordinal);
        Assert.Contains("'two' is not a number", html, StringComparison.Ordinal);
        Assert.Contains("must be lowercase letters", html, StringComparison.Ordinal);
        Assert.Contains("is not a deadline", html, StringComparison.Ordinal);
        Assert.Contains("say what the campaign is after", html, StringComparison.Ordinal);
        Assert.DoesNotContain("give the most experiments", html, StringComparison.Ordinal);
        var files = Path.Combine(console.DataDirectory, "console", "campaigns");
        Assert.False(Directory.Exists(files) && Directory.EnumerateFiles(files).Any(f => Path.GetFileName(f).StartsWith("bad", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_new_token_is_shown_once_after_a_redirect_and_a_reload_makes_no_second_one()
    {
        using var admin = await console.SignedInClientAsync();
        using var api = console.TokenClient();
        var before = (await api.GetFromJsonAsync<JsonElement>("/api/tokens")).GetArrayLength();
        var token = await ConsoleFactory.AntiforgeryTokenAsync(admin, "/settings/tokens");
        using var created = await admin.PostAsync("/settings/tokens?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Name"] = "reload-test",
        }));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/settings/tokens", created.Headers.Location!.ToString());

        using var shown = await admin.GetAsync("/settings/tokens");
        var html = await shown.Content.ReadAsStringAsync();
        Assert.Matches("id=\"new-token\"[\\s\\S]*art_[A-Za-z0-9_-]{20,}", html);
        Assert.Contains("no-store", shown.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        // Revoking asks first.
        Assert.Matches("data-confirm=\"Revoke the token[^\"]*\"[^>]*>Revoke<", html);

        var reloaded = await admin.GetStringAsync("/settings/tokens");
        Assert.DoesNotContain("id=\"new-token\"", reloaded, StringComparison.Ordinal);
        Assert.Equal(before + 1, (await api.GetFromJsonAsync<JsonElement>("/api/tokens")).GetArrayLength());
    }

    [Fact]
    public async Task A_refused_control_is_shown_in_a_red_banner()
    {
        var id = await console.FinishedCampaignAsync();
        using var admin = await console.SignedInClientAsync();
        var token = await ConsoleFactory.AntiforgeryTokenAsync(admin, "/settings/tokens");
        using var posted = await admin.PostAsync($"/campaigns/{id}?handler=Control", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Control.Action"] = "budget",
            ["Control.Mode"] = "add",
            ["Control.CpuHours"] = "1",
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var page = await admin.GetStringAsync(posted.Headers.Location!.ToString());
        var banner = Regex.Match(page, "<p class=\"flash([^\"]*)\" role=\"(\\w+)\">([^<]*)</p>");
        Assert.True(banner.Success, "no banner after a control on a finished campaign");
        Assert.Equal(" flash-error", banner.Groups[1].Value);
        Assert.Equal("alert", banner.Groups[2].Value);
    }

    [Fact]
    public async Task Dashboard_urls_with_an_address_that_is_no_silo_answer_404_not_500()
    {
        using var admin = await console.SignedInClientAsync();
        var silo = console.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        var wrong = new List<string>();
        foreach (var route in DashboardAddresses.Routes)
        {
            foreach (var junk in new[] { "junk", "1.2.3.4", "999.1.1.1:99999@x", "%ff%fe", "a/b/c", "1.2.3.4:x@y" })
            {
                using var response = await admin.GetAsync($"/dashboard/{route}/{junk}");
                if (response.StatusCode != HttpStatusCode.NotFound) wrong.Add($"{route}/{junk} -> {(int)response.StatusCode}");
            }
            using var real = await admin.GetAsync($"/dashboard/{route}/{Uri.EscapeDataString(silo)}");
            if ((int)real.StatusCode >= 500 || real.StatusCode == HttpStatusCode.NotFound) wrong.Add($"{route}/<this silo> -> {(int)real.StatusCode}");
        }
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public async Task The_console_has_a_favicon_open_to_everyone()
    {
        using var anonymous = console.CreateClient();
        foreach (var path in new[] { "/favicon.ico", "/favicon.svg" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("<svg", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Contains("rel=\"icon\" href=\"/favicon.svg\"", await anonymous.GetStringAsync("/login"), StringComparison.Ordinal);
    }

    private static async Task AssertFriendlyPageAsync(HttpResponseMessage response, HttpStatusCode status, string says)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("class=\"error-page\"", html, StringComparison.Ordinal);
        Assert.Contains(says, html, StringComparison.Ordinal);
    }

    /// <summary>The antiforgery field of <paramref name="page"/>, with the cookies it sets kept in <paramref name="jar"/>.</summary>
    private static async Task<string> FormTokenAsync(HttpClient client, string page, Dictionary<string, string> jar)
    {
        using var response = await SendAsync(client, HttpMethod.Get, page, jar);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = TokenField().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, $"{page} has no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A request with exactly the cookies of <paramref name="jar"/>; cookies the answer sets go back into it.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, Dictionary<string, string> jar, Dictionary<string, string>? form = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (jar.Count > 0) request.Headers.Add("Cookie", string.Join("; ", jar.Select(kv => $"{kv.Key}={kv.Value}")));
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                var pair = cookie.Split(';')[0].Split('=', 2);
                if (pair[1].Length == 0) jar.Remove(pair[0]);
                else jar[pair[0]] = pair[1];
            }
        }
        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
