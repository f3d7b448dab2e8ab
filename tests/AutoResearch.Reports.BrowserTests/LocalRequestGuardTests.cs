using AutoResearch.Testing.Browser;

namespace AutoResearch.Reports.BrowserTests;

/// <summary>
/// The guard the report tests rely on: "nothing remote was attempted" means something only if a remote request is seen
/// and stopped. A page without a Content-Security-Policy asks for a remote image and a local one.
/// (This checks AutoResearch.Testing.Browser, which has no test project of its own.)
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LocalRequestGuardTests(ChromiumFixture browser) : IDisposable
{
    // A 1x1 PNG.
    private const string Pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "autoresearch-guard-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Remote_requests_are_blocked_and_recorded_while_local_content_loads()
    {
        Directory.CreateDirectory(_directory);
        var html = Path.Combine(_directory, "page.html");
        await File.WriteAllTextAsync(html,
            "<!DOCTYPE html><html><head><title>guard</title></head><body>" +
            "<img id=\"remote\" src=\"http://127.0.0.1:9/remote.png\">" +
            $"<img id=\"local\" src=\"data:image/png;base64,{Pixel}\">" +
            "</body></html>");

        await using var context = await browser.Chromium.NewLocalContextAsync();
        var page = await context.OpenFileAsync(html);

        Assert.Equal(["http://127.0.0.1:9/remote.png"], context.Requests.Blocked);
        Assert.Contains(context.Requests.Attempted, u => u.StartsWith("file:", StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("#remote").EvaluateAsync<int>("img => img.naturalWidth"));
        Assert.Equal(1, await page.Locator("#local").EvaluateAsync<int>("img => img.naturalWidth"));
        // The failed load is a console error too, so a report test's "no console errors" would also catch it.
        Assert.Contains(context.Errors, e => e.Contains("ERR_BLOCKED_BY_CLIENT", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("file:///tmp/report.html", true)]
    [InlineData("data:image/png;base64,AAAA", true)]
    [InlineData("about:blank", true)]
    [InlineData("http://example.com/x.png", false)]
    [InlineData("https://example.com/", false)]
    [InlineData("ws://127.0.0.1:1/", false)]
    [InlineData("blob:null/1234", false)]
    [InlineData("no-scheme", false)]
    public void Only_file_data_and_about_urls_are_local(string url, bool allowed) =>
        Assert.Equal(allowed, LocalRequestGuard.IsAllowed(url));
}
