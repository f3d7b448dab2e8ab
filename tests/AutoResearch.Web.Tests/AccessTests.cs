using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>Sign-in: everything but health needs it; unauthenticated calls get 401 (pages: the sign-in page) and change nothing.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessTests(ConsoleFactory console)
{
    /// <summary>Paths open without sign-in: liveness, the sign-in page and its stylesheet and script.</summary>
    private static readonly string[] Open = ["/health", "/login", "/assets/{name}", "/favicon.ico", "/favicon.svg"];

    [Fact]
    public async Task Every_endpoint_but_health_refuses_an_unauthenticated_call_and_changes_nothing()
    {
        var id = await console.FinishedCampaignAsync();
        using var token = console.TokenClient();
        var before = await SnapshotAsync(token, id);

        var endpoints = console.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(e => !Open.Contains(e.Route))
            .ToList();
        Assert.Contains(endpoints, e => e.Route.StartsWith("/api/campaigns", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Route.StartsWith("/dashboard", StringComparison.Ordinal));
        Assert.True(endpoints.Count >= 25, $"only {endpoints.Count} endpoints found");

        using var anonymous = console.CreateClient();
        using var badToken = console.CreateClient();
        badToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "art_not-a-real-token");
        var wrong = new List<string>();
        foreach (var (route, methods) in endpoints)
        {
            var path = Fill(route, id);
            foreach (var method in methods.Where(m => m is not "OPTIONS" and not "HEAD"))
            {
                foreach (var (client, who) in new[] { (anonymous, "anonymous"), (badToken, "bad token") })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method is "POST" or "PUT" or "PATCH")
                        request.Content = JsonContent.Create(new { action = "stop", text = "should not land", name = "x", benchmark = "branin", deadline = "in 1h", maxExperiments = 1, agents = new[] { new { role = "explorer" } } });
                    using var response = await client.SendAsync(request);
                    // Pages answer a browser's GET with the sign-in page; everything else with 401.
                    var isPageGet = method == "GET" && !path.StartsWith("/api", StringComparison.Ordinal) && !path.StartsWith("/openapi", StringComparison.Ordinal);
                    var ok = isPageGet && who == "anonymous"
                        ? response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/login", StringComparison.Ordinal)
                        : response.StatusCode == HttpStatusCode.Unauthorized;
                    if (!ok) wrong.Add($"{who} {method} {path} -> {(int)response.StatusCode}");
                }
            }
        }
        Assert.Empty(wrong);
        Assert.Equal(before, await SnapshotAsync(token, id));
    }

    [Fact]
    public async Task Health_answers_without_sign_in_and_says_nothing_else()
    {
        using var anonymous = console.CreateClient();
        var health = await anonymous.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Single(health.EnumerateObject());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_the_right_one_signs_in_with_a_cookie()
    {
        using var wrong = await console.SignedInClientAsync("not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/me")).StatusCode);

        using var admin = await console.SignedInClientAsync();
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("admin", me.GetProperty("name").GetString());
        using var page = await admin.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var dashboard = await admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);

        // Signing out ends the session: the same cookie jar is refused afterwards.
        using var signOut = await admin.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await ConsoleFactory.AntiforgeryTokenAsync(admin, "/"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Password_guessing_from_one_address_is_cut_off_after_ten_tries_a_minute()
    {
        // Its own address, so the other tests' sign-ins (and this one's refusals) do not share a limit.
        var address = IPAddress.Parse("10.20.30.40");
        var page = await console.Server.SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Path = "/login";
            context.Connection.RemoteIpAddress = address;
        });
        var cookie = string.Join("; ", page.Response.Headers.SetCookie.Select(c => c!.Split(';')[0]));
        var html = await new StreamReader(page.Response.Body).ReadToEndAsync();
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);

        var statuses = new List<int>();
        for (var attempt = 0; attempt < 11; attempt++)
        {
            var answer = await console.Server.SendAsync(context =>
            {
                context.Request.Method = "POST";
                context.Request.Path = "/login";
                context.Request.Headers.Cookie = cookie;
                context.Request.ContentType = "application/x-www-form-urlencoded";
                context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
                    $"Password=guess-{attempt}&__RequestVerificationToken={Uri.EscapeDataString(token)}"));
                context.Connection.RemoteIpAddress = address;
            });
            statuses.Add(answer.Response.StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(401, 10), 429], statuses);
        using var admin = await console.SignedInClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_cookie_call_that_changes_something_needs_the_antiforgery_header()
    {
        var id = await console.FinishedCampaignAsync();
        using var admin = await console.SignedInClientAsync();
        var before = (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal")).GetArrayLength();

        using var forged = await admin.PostAsJsonAsync($"/api/campaigns/{id}/journal", new { text = "from another site" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("X-CSRF-TOKEN", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal")).GetArrayLength());

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/campaigns/{id}/journal") { Content = JsonContent.Create(new { text = "from the console" }) };
        request.Headers.Add("X-CSRF-TOKEN", await ConsoleFactory.AntiforgeryTokenAsync(admin, $"/campaigns/{id}/journal"));
        using var genuine = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, genuine.StatusCode);
        Assert.Equal("admin", (await genuine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("author").GetString());
    }

    [Fact]
    public async Task Tokens_are_shown_once_stored_as_hashes_and_stop_working_when_revoked()
    {
        using var client = console.TokenClient();
        using var invalid = await client.PostAsJsonAsync("/api/tokens", new { name = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("\"name\"", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var created = await client.PostAsJsonAsync("/api/tokens", new { name = "nightly-script" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        var tokenId = body.GetProperty("token").GetProperty("id").GetString()!;
        Assert.StartsWith("art_", secret, StringComparison.Ordinal);

        var list = await client.GetStringAsync("/api/tokens");
        Assert.Contains("nightly-script", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        var stored = await File.ReadAllTextAsync(Path.Combine(console.DataDirectory, "console", "credentials.json"));
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(ConsoleFactory.Password, stored, StringComparison.Ordinal);
        Assert.Contains("pbkdf2-sha256$", stored, StringComparison.Ordinal);

        using var script = console.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal("token:nightly-script", (await script.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/tokens/{tokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/tokens/{tokenId}")).StatusCode);
    }

    private static string Fill(string route, string campaign) => route
        .Replace("{id}", campaign, StringComparison.Ordinal)
        .Replace("{sequence:int}", "1", StringComparison.Ordinal)
        .Replace("{name?}", "latest", StringComparison.Ordinal)
        .Replace("{name}", "latest", StringComparison.Ordinal)
        .Replace("{format}", "html", StringComparison.Ordinal)
        .Replace("{documentName}", "v1", StringComparison.Ordinal)
        .Replace("{**path}", "", StringComparison.Ordinal)
        .Replace("{*path}", "", StringComparison.Ordinal);

    /// <summary>What an unauthenticated call must not change: campaigns, the journal, reports, controls' effects, tokens.</summary>
    private static async Task<string> SnapshotAsync(HttpClient client, string id) => string.Join("\n",
        (await client.GetFromJsonAsync<JsonElement>("/api/campaigns")).GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
        (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}")).GetProperty("campaign").GetProperty("state").GetString(),
        (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/journal")).GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
        (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/reports")).GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
        (await client.GetFromJsonAsync<JsonElement>("/api/tokens")).GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture));
}
