using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// The whole console in-process (WebApplicationFactory over the real <c>Program</c>): embedded silo, SQLite ledger and grain
/// state in a fresh data folder, real Docker sandboxes for the shipped benchmarks. One per test collection.
/// </summary>
public sealed partial class ConsoleFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "night-shift-password";

    public ConsoleFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "ar-web-" + Guid.NewGuid().ToString("N")[..8]);
        // Read while the app's builder is composed (before WebApplicationFactory's own hooks apply), hence environment variables.
        Environment.SetEnvironmentVariable("AutoResearch__DataDirectory", DataDirectory);
        Environment.SetEnvironmentVariable("Console__AdminPassword", Password);
        Environment.SetEnvironmentVariable("Console__ResumeOnStart", "false");
        ClientOptions.AllowAutoRedirect = false;
    }

    public string DataDirectory { get; }

    /// <summary>Test-only header: the remote address the request is treated as coming from (see <see cref="ConfigureWebHost"/>).</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";

    private int _clients;

    /// <summary>
    /// Each signed-in client calls from its own address, so the sign-in limit (10 a minute per address) counts each test's
    /// sign-ins on their own, as it would for people at different machines.
    /// </summary>
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddressFromHeader()));

    private sealed class RemoteAddressFromHeader : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[RemoteAddressHeader].ToString(), out var address))
                    context.Connection.RemoteIpAddress = address;
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A fresh remote address for one client (10.77.x.y).</summary>
    public string NextRemoteAddress()
    {
        var n = Interlocked.Increment(ref _clients);
        return $"10.77.{n / 250 % 250}.{n % 250 + 1}";
    }

    /// <summary>An API token made at start-up through the API (Authorization: Bearer).</summary>
    public string Token { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var admin = await SignedInClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { name = "tests" }) };
        request.Headers.Add("X-CSRF-TOKEN", await AntiforgeryTokenAsync(admin, "/settings/tokens"));
        using var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Sandboxes may still be writing artifacts; the folder is in /tmp.
        }
    }

    private readonly SemaphoreSlim _finishedLock = new(1, 1);
    private string? _finished;

    /// <summary>
    /// A small campaign (branin, 2 agents, 6 experiments in real sandboxes) started through the API and run to completion,
    /// made once and shared by the tests that read a finished campaign.
    /// </summary>
    public async Task<string> FinishedCampaignAsync()
    {
        await _finishedLock.WaitAsync();
        try
        {
            if (_finished is not null) return _finished;
            using var client = TokenClient();
            using var response = await client.PostAsJsonAsync("/api/campaigns", new
            {
                name = "api-branin",
                goal = "Find the minimum of Branin",
                benchmark = "branin",
                deadline = "in 20m",
                maxExperiments = 6,
                agents = new object[] { new { role = "explorer" }, new { role = "random" } },
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaign").GetProperty("id").GetString()!;
            await WaitForStateAsync(client, id, TimeSpan.FromMinutes(4), "Completed");
            return _finished = id;
        }
        finally
        {
            _finishedLock.Release();
        }
    }

    /// <summary>A client that calls with the API token.</summary>
    public HttpClient TokenClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>A client signed in through the sign-in page (cookie), as a browser would be.</summary>
    public async Task<HttpClient> SignedInClientAsync(string password = Password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(RemoteAddressHeader, NextRemoteAddress());
        var token = await AntiforgeryTokenAsync(client, "/login");
        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
        if (password == Password)
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of a form on <paramref name="page"/> (its cookie stays in the client).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"{page} has no antiforgery field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Waits until the campaign's state is one of <paramref name="states"/>; returns its detail.</summary>
    public static async Task<JsonElement> WaitForStateAsync(HttpClient client, string id, TimeSpan timeout, params string[] states)
    {
        var until = DateTime.UtcNow + timeout;
        JsonElement detail = default;
        while (DateTime.UtcNow < until)
        {
            detail = await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
            if (states.Contains(detail.GetProperty("campaign").GetProperty("state").GetString())) return detail;
            await Task.Delay(500);
        }
        throw new TimeoutException($"Campaign {id} did not reach {string.Join("/", states)} within {timeout}; last: {detail}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
