using System.Text.Json;
using Microsoft.Playwright;

namespace AutoResearch.Web.BrowserTests;

/// <summary>Steps the console's browser tests share: signing in and out through the forms, reading the API with the page's session, waiting with a named timeout.</summary>
internal static class ConsolePages
{
    public static async Task SignInAsync(IPage page, string baseUrl, string name, string password)
    {
        await page.GotoAsync(baseUrl + "/login");
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Campaigns");
        await Assertions.Expect(page.Locator("header .who")).ToContainTextAsync(name);
    }

    public static async Task SignOutAsync(IPage page, string baseUrl)
    {
        await page.GotoAsync(baseUrl + "/");
        await page.ClickAsync("button:has-text('Sign out')");
        await page.WaitForURLAsync("**/login");
    }

    /// <summary>GET through the browser's own session (its cookie), as the page's scripts do.</summary>
    public static async Task<JsonElement> GetJsonAsync(IPage page, string baseUrl, string path)
    {
        var response = await page.APIRequest.GetAsync(baseUrl + path);
        var text = await response.TextAsync();
        Assert.True(response.Status == 200, $"GET {path}: {response.Status} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls <paramref name="probe"/> every half second until it has a value; a <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : struct
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > until) throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            await Task.Delay(500);
        }
    }
}
