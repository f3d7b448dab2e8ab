using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Harness;
using AutoResearch.Web.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// Users with roles, token scopes and expiry, and the audit log, over real HTTP: each role is allowed or refused per kind of
/// route (read, start, steer, annotate, manage), as a person with a cookie and as a token.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class RolesTests(ConsoleFactory console)
{
    private const string UserPassword = "lab-member-password";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Each_role_is_allowed_and_refused_per_kind_of_route_with_a_token()
    {
        using var admin = console.TokenClient();
        var wrong = new List<string>();
        foreach (var role in ConsoleRoles.All)
        {
            using var client = BearerClient(await TokenAsync(admin, $"{role.Name()}-{_suffix}", role.Name()));
            var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
            Assert.Equal(role.Name(), me.GetProperty("role").GetString());
            var researcher = role >= ConsoleRole.Researcher;
            var isAdmin = role == ConsoleRole.Admin;
            // Read: everyone. Start, steer, annotate, write a report: researchers and admins (who then get the handler's answer:
            // 400 for an empty campaign, 404 for a campaign that does not exist). Users, audit and operators: admins.
            await Expect(wrong, role, client, HttpMethod.Get, "/api/campaigns", null, HttpStatusCode.OK);
            await Expect(wrong, role, client, HttpMethod.Get, "/api/night", null, HttpStatusCode.OK);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/campaigns", new { }, researcher ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/campaigns/no-such-campaign/controls", new { action = "pause" }, researcher ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/campaigns/no-such-campaign/journal", new { text = "hello" }, researcher ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/campaigns/no-such-campaign/resume-here", null, researcher ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/campaigns/no-such-campaign/reports", null, researcher ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Get, "/api/users", null, isAdmin ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/users", new { name = $"x-{role.Name()}-{_suffix}", password = "short", role = "viewer" }, isAdmin ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Delete, $"/api/users/nobody-{_suffix}", null, isAdmin ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Get, "/api/audit", null, isAdmin ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Get, "/dashboard/version", null, isAdmin ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            // The lab's quota: everyone reads it, admins set it (an empty change is refused by the handler); approvals: researchers.
            await Expect(wrong, role, client, HttpMethod.Get, "/api/quota", null, HttpStatusCode.OK);
            await Expect(wrong, role, client, HttpMethod.Put, "/api/quota", new { }, isAdmin ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/campaigns/no-such-campaign/experiments/1/approve", new { }, researcher ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
            // Everyone makes tokens of their own, never above their role.
            await Expect(wrong, role, client, HttpMethod.Post, "/api/tokens", new { name = "mine", role = "viewer" }, HttpStatusCode.Created);
            await Expect(wrong, role, client, HttpMethod.Post, "/api/tokens", new { name = "more", role = "admin" }, isAdmin ? HttpStatusCode.Created : HttpStatusCode.BadRequest);
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task People_sign_in_by_name_and_their_role_decides_pages_and_page_handlers()
    {
        using var admin = console.TokenClient();
        await UserAsync(admin, $"vera-{_suffix}", "viewer");
        await UserAsync(admin, $"rita-{_suffix}", "researcher");
        await UserAsync(admin, $"alex-{_suffix}", "admin");
        using var viewer = await SignInAsync($"vera-{_suffix}", UserPassword);
        using var researcher = await SignInAsync($"rita-{_suffix}", UserPassword);
        using var second = await SignInAsync($"alex-{_suffix}", UserPassword);
        using var builtIn = await console.SignedInClientAsync();
        // A running campaign (run elsewhere) whose pages show controls to researchers and up only.
        var campaignId = $"roles-live-{_suffix}";
        var spec = CampaignLoader.Load(Path.Combine(RepositoryPaths.Root, "campaigns", "branin.yaml"));
        await console.Services.GetRequiredService<ILedger>().UpsertCampaignAsync(new CampaignRecord
        {
            Id = campaignId, Name = spec.Name, State = CampaignState.Running, CreatedAt = DateTimeOffset.UtcNow,
            StartedAt = DateTimeOffset.UtcNow, Deadline = DateTimeOffset.UtcNow.AddHours(1), Spec = spec,
        });

        var wrong = new List<string>();
        foreach (var (who, client, role) in new[] { ("viewer", viewer, ConsoleRole.Viewer), ("researcher", researcher, ConsoleRole.Researcher), ("user admin", second, ConsoleRole.Admin), ("built-in admin", builtIn, ConsoleRole.Admin) })
        {
            Assert.Equal(role.Name(), (await client.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
            var csrf = await ConsoleFactory.AntiforgeryTokenAsync(client, "/settings/tokens");
            async Task Check(HttpMethod method, string path, HttpContent? content, Func<HttpStatusCode, bool> ok, string expected)
            {
                using var request = new HttpRequestMessage(method, path) { Content = content };
                request.Headers.Add("X-CSRF-TOKEN", csrf);
                using var response = await client.SendAsync(request);
                if (!ok(response.StatusCode)) wrong.Add($"{who}: {method} {path} -> {(int)response.StatusCode}, expected {expected}");
            }
            FormUrlEncodedContent Form(params (string, string)[] fields) => new([.. fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)), KeyValuePair.Create("__RequestVerificationToken", csrf)]);
            var researcherUp = role >= ConsoleRole.Researcher;
            var adminUp = role == ConsoleRole.Admin;
            bool Refused(HttpStatusCode s) => s == HttpStatusCode.Forbidden;

            await Check(HttpMethod.Get, "/", null, s => s == HttpStatusCode.OK, "200");
            await Check(HttpMethod.Get, "/night", null, s => s == HttpStatusCode.OK, "200");
            await Check(HttpMethod.Get, "/campaigns/new", null, s => researcherUp ? s == HttpStatusCode.OK : Refused(s), researcherUp ? "200" : "403");
            await Check(HttpMethod.Post, "/campaigns/new", Form(("Name", "")), s => researcherUp ? !Refused(s) : Refused(s), researcherUp ? "not 403" : "403");
            await Check(HttpMethod.Post, "/campaigns/no-such-campaign/journal", Form(("Text", "a note")), s => researcherUp ? s == HttpStatusCode.NotFound : Refused(s), researcherUp ? "404" : "403");
            await Check(HttpMethod.Post, "/campaigns/no-such-campaign?handler=Control", Form(("Action", "pause")), s => researcherUp ? !Refused(s) : Refused(s), researcherUp ? "not 403" : "403");
            await Check(HttpMethod.Get, "/settings/users", null, s => adminUp ? s == HttpStatusCode.OK : Refused(s), adminUp ? "200" : "403");
            await Check(HttpMethod.Get, "/settings/audit", null, s => adminUp ? s == HttpStatusCode.OK : Refused(s), adminUp ? "200" : "403");
            await Check(HttpMethod.Post, "/settings/users?handler=Save", Form(("Name", $"p-{who.Replace(' ', '-')}-{_suffix}"), ("Password", UserPassword), ("Role", "viewer"), ("Create", "true")),
                s => adminUp ? s == HttpStatusCode.Redirect : Refused(s), adminUp ? "302" : "403");
            await Check(HttpMethod.Post, "/api/campaigns/no-such-campaign/controls", JsonContent.Create(new { action = "pause" }), s => researcherUp ? s == HttpStatusCode.NotFound : Refused(s), researcherUp ? "404" : "403");
            await Check(HttpMethod.Get, "/api/users", null, s => adminUp ? s == HttpStatusCode.OK : Refused(s), adminUp ? "200" : "403");

            // A refused page says why (not an empty answer).
            if (!adminUp)
            {
                using var page = await client.GetAsync("/settings/users");
                Assert.Contains("Not allowed for your role", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            var nav = await client.GetStringAsync("/");
            Assert.Equal(adminUp, nav.Contains("href=\"/settings/users\"", StringComparison.Ordinal));
            Assert.Equal(researcherUp, nav.Contains("href=\"/campaigns/new\"", StringComparison.Ordinal));
            // Controls, "Resume here", notes and "Write a report now" are not offered to a viewer (who would get a 403).
            var live = await client.GetStringAsync($"/campaigns/{campaignId}");
            Assert.Equal((researcherUp, researcherUp, researcherUp), (live.Contains("id=\"limits-form\"", StringComparison.Ordinal),
                live.Contains("handler=ResumeHere", StringComparison.Ordinal), live.Contains("class=\"controls\"", StringComparison.Ordinal)));
            Assert.Equal(researcherUp, (await client.GetStringAsync($"/campaigns/{campaignId}/journal")).Contains("id=\"note-form\"", StringComparison.Ordinal));
            Assert.Equal(researcherUp, (await client.GetStringAsync($"/campaigns/{campaignId}/reports")).Contains("Write a report now", StringComparison.Ordinal));
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // A wrong password for a real name is refused like the admin's.
        using var refused = await SignInAsync($"vera-{_suffix}", "not-her-password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await refused.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_changed_role_counts_at_once_and_a_removed_user_is_signed_out()
    {
        using var admin = console.TokenClient();
        var name = $"bob-{_suffix}";
        await UserAsync(admin, name, "viewer");
        using var bob = await SignInAsync(name, UserPassword);
        var csrf = await ConsoleFactory.AntiforgeryTokenAsync(bob, "/settings/tokens");
        async Task<HttpStatusCode> NoteAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/campaigns/no-such-campaign/journal") { Content = JsonContent.Create(new { text = "hi" }) };
            request.Headers.Add("X-CSRF-TOKEN", csrf);
            return (await bob.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await NoteAsync());

        using var change = await admin.PutAsJsonAsync($"/api/users/{name}", new { role = "researcher" });
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await NoteAsync());
        using var badRole = await admin.PutAsJsonAsync($"/api/users/{name}", new { role = "owner" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Contains("viewer, researcher, admin", await badRole.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var twice = await admin.PostAsJsonAsync("/api/users", new { name, password = UserPassword, role = "viewer" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        using var builtIn = await admin.PostAsJsonAsync("/api/users", new { name = "Admin", password = UserPassword, role = "viewer" });
        Assert.Equal(HttpStatusCode.BadRequest, builtIn.StatusCode);

        // A new password ends the sessions opened with the old one.
        using var renamed = await admin.PutAsJsonAsync($"/api/users/{name}", new { role = "researcher", password = "bobs-second-password" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bob.GetAsync("/api/me")).StatusCode);
        using var bobAgain = await SignInAsync(name, "bobs-second-password", signsIn: true);
        Assert.Equal(HttpStatusCode.OK, (await bobAgain.GetAsync("/api/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bobAgain.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bob.GetAsync("/api/me")).StatusCode);
        using var again = await SignInAsync(name, UserPassword, signsIn: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Tokens_carry_a_role_and_an_expiry_and_an_expired_one_answers_401()
    {
        using var admin = console.TokenClient();
        using var created = await admin.PostAsJsonAsync("/api/tokens", new { name = $"reader-{_suffix}", role = "viewer", expiresInDays = 7 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var made = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token");
        Assert.Equal("viewer", made.GetProperty("role").GetString());
        var expires = made.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(5));
        foreach (var bad in new object[] { new { name = "x", expiresInDays = 0 }, new { name = "x", expiresInDays = 100_000 }, new { name = "x", role = "owner" } })
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/tokens", bad)).StatusCode);

        // A token whose time is up (made directly in the store, as no API makes one already expired).
        var store = console.Services.GetRequiredService<CredentialStore>();
        var (record, secret) = store.CreateToken($"old-{_suffix}", ConsoleRole.Admin, DateTimeOffset.UtcNow.AddMinutes(-1), ConsoleAuth.AdminName);
        using var old = BearerClient(secret);
        using var refused = await old.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.PostAsJsonAsync("/api/tokens", new { name = "renew" })).StatusCode);

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/tokens");
        var listed = list.EnumerateArray().Single(t => t.GetProperty("id").GetString() == record.Id);
        Assert.True(listed.GetProperty("expired").GetBoolean());
        Assert.Equal("admin", listed.GetProperty("role").GetString());
        Assert.False(list.EnumerateArray().Single(t => t.GetProperty("id").GetString() == made.GetProperty("id").GetString()).GetProperty("expired").GetBoolean());

        // A viewer sees only the tokens it made and cannot revoke others'.
        using var reader = BearerClient(await TokenAsync(admin, $"lister-{_suffix}", "viewer"));
        await TokenAsync(reader, $"child-{_suffix}", "viewer");
        using var outliving = await reader.PostAsJsonAsync("/api/tokens", new { name = "forever", expiresInDays = 365 });
        Assert.Equal(HttpStatusCode.BadRequest, outliving.StatusCode);
        Assert.Contains("cannot outlive", await outliving.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var own = await reader.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.Equal([$"child-{_suffix}"], own.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await reader.DeleteAsync($"/api/tokens/{record.Id}")).StatusCode);
    }

    [Fact]
    public async Task The_audit_log_records_sign_ins_user_changes_and_controls_and_never_a_secret()
    {
        using var admin = console.TokenClient();
        var name = $"carol-{_suffix}";
        await UserAsync(admin, name, "researcher");
        using var carol = await SignInAsync(name, UserPassword);
        using var wrong = await SignInAsync(name, "a-wrong-password-x");
        var tokenSecret = await TokenAsync(carol, $"carol-script-{_suffix}", "researcher", await ConsoleFactory.AntiforgeryTokenAsync(carol, "/settings/tokens"));
        using var script = BearerClient(tokenSecret);

        // A researcher's token starts a campaign and stops it.
        using var created = await script.PostAsJsonAsync("/api/campaigns", new
        {
            name = "audit-stop",
            benchmark = "branin",
            deadline = "in 30m",
            maxExperiments = 50,
            slots = 1,
            agents = new object[] { new { role = "random" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaign").GetProperty("id").GetString()!;
        using var stop = await script.PostAsJsonAsync($"/api/campaigns/{id}/controls", new { action = "stop", reason = "audit test" });
        Assert.True(stop.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"stop answered {(int)stop.StatusCode}");
        await ConsoleFactory.WaitForStateAsync(script, id, TimeSpan.FromSeconds(90), "Stopped");

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=500");
        var entries = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.True(page.GetProperty("total").GetInt32() >= entries.Count);
        var times = entries.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        JsonElement One(Func<JsonElement, bool> match, string what) =>
            entries.FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } found ? found : throw new Xunit.Sdk.XunitException($"no audit entry for {what}");
        static string? S(JsonElement e, string p) => e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var creation = One(e => S(e, "action") == "user.create" && S(e, "detail")!.Contains(name, StringComparison.Ordinal), "the user's creation");
        Assert.Equal("token:tests", S(creation, "actor"));
        Assert.Equal("token", S(creation, "via"));
        Assert.Equal(201, creation.GetProperty("status").GetInt32());
        Assert.Contains("researcher", S(creation, "detail"), StringComparison.Ordinal);

        var signIn = One(e => S(e, "action") == "sign-in" && S(e, "actor") == name && e.GetProperty("status").GetInt32() == 302, "the sign-in");
        Assert.StartsWith("10.77.", S(signIn, "remote"), StringComparison.Ordinal);
        One(e => S(e, "action") == "sign-in" && S(e, "actor") == name && e.GetProperty("status").GetInt32() == 401, "the refused sign-in");
        One(e => S(e, "action") == "token.create" && S(e, "actor") == name, "the token's creation");

        var control = One(e => S(e, "action") == "POST /api/campaigns/{id}/controls" && S(e, "campaign") == id, "the stop");
        Assert.Equal($"token:carol-script-{_suffix}", S(control, "actor"));
        Assert.Equal("researcher", S(control, "role"));
        Assert.True(control.GetProperty("status").GetInt32() is 200 or 202);
        One(e => S(e, "action") == "POST /api/campaigns" && S(e, "actor") == $"token:carol-script-{_suffix}" && e.GetProperty("status").GetInt32() == 201, "the start");

        // The admin page shows the same, newest first.
        using var people = await console.SignedInClientAsync();
        var html = await people.GetStringAsync("/settings/audit");
        Assert.Contains("user.create", html, StringComparison.Ordinal);
        Assert.Contains(id, html, StringComparison.Ordinal);

        // Nothing secret in the files: no password, no token.
        var folder = Path.Combine(console.DataDirectory, "console");
        var text = string.Concat(Directory.GetFiles(folder, "audit*.jsonl").Select(File.ReadAllText));
        foreach (var secret in new[] { UserPassword, "a-wrong-password-x", ConsoleFactory.Password, tokenSecret, console.Token, "art_" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_and_tokens_made_from_the_shell_count_at_once_and_a_new_password_ends_old_sessions()
    {
        var name = $"shell-{_suffix}";
        var (code, _) = await CliAsync(UserPassword + "\n", "user", "add", name, "--role", "viewer");
        Assert.Equal(0, code);
        using var person = await SignInAsync(name, UserPassword);
        Assert.Equal("viewer", (await person.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
        Assert.Equal(2, (await CliAsync("short\n", "user", "add", name)).Code);
        Assert.Equal(2, (await CliAsync(UserPassword + "\n", "user", "add", "admin")).Code);

        // A new password set by another process: the cookie from before is refused, the new password signs in.
        Assert.Equal(0, (await CliAsync("a-brand-new-password\n", "user", "add", name, "--role", "researcher")).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/me")).StatusCode);
        using var again = await SignInAsync(name, "a-brand-new-password", signsIn: true);
        Assert.Equal("researcher", (await again.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());

        var (made, output) = await CliAsync("", "token", "create", $"shell-script-{_suffix}", "--role", "viewer", "--days", "2");
        Assert.Equal(0, made);
        using var script = BearerClient(output.Trim().Split('\n')[^1]);
        Assert.Equal("viewer", (await script.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("role").GetString());
        Assert.Equal(2, (await CliAsync("", "token", "create", "x", "--role", "owner")).Code);

        Assert.Equal(0, (await CliAsync("", "user", "remove", name)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/api/me")).StatusCode);

        using var admin = console.TokenClient();
        var entries = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=500")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "user.create" && e.GetProperty("actor").GetString()!.StartsWith("cli:", StringComparison.Ordinal)
            && e.GetProperty("detail").GetString()!.Contains(name, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "user.remove" && e.GetProperty("detail").GetString()!.Contains(name, StringComparison.Ordinal));
    }

    /// <summary>Runs <c>autoresearch ARGS --data &lt;the console's folder&gt;</c> with <paramref name="input"/> on standard input.</summary>
    private async Task<(int Code, string Output)> CliAsync(string input, params string[] args)
    {
        var (stdin, stdout, stderr) = (Console.In, Console.Out, Console.Error);
        using var output = new StringWriter();
        Console.SetIn(new StringReader(input));
        Console.SetOut(output);
        Console.SetError(TextWriter.Null);
        try
        {
            var code = await AutoResearch.Cli.CliApp.Build().Parse([.. args, "--data", console.DataDirectory]).InvokeAsync();
            return (code, output.ToString());
        }
        finally
        {
            Console.SetIn(stdin);
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    private async Task Expect(List<string> wrong, ConsoleRole role, HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        if (response.StatusCode != expected) wrong.Add($"{role.Name()}: {method} {path} -> {(int)response.StatusCode}, expected {(int)expected}");
    }

    private HttpClient BearerClient(string token)
    {
        var client = console.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> TokenAsync(HttpClient client, string name, string role, string? csrf = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { name, role }) };
        if (csrf is not null) request.Headers.Add("X-CSRF-TOKEN", csrf);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    private static async Task UserAsync(HttpClient admin, string name, string role)
    {
        using var response = await admin.PostAsJsonAsync("/api/users", new { name, password = UserPassword, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>A browser signed in by name and password through the sign-in page.</summary>
    private async Task<HttpClient> SignInAsync(string name, string password, bool? signsIn = null)
    {
        var client = console.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(ConsoleFactory.RemoteAddressHeader, console.NextRemoteAddress());
        var token = await ConsoleFactory.AntiforgeryTokenAsync(client, "/login");
        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Name"] = name,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(signsIn ?? password == UserPassword ? HttpStatusCode.Redirect : HttpStatusCode.Unauthorized, response.StatusCode);
        return client;
    }
}
