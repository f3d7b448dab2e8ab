using Microsoft.Playwright;

namespace AutoResearch.Testing.Browser;

/// <summary>
/// A headless Chromium driven by Playwright: the system's browser (<see cref="ChromiumLocator"/>), never a downloaded one,
/// started with <see cref="Arguments"/>. One per test class is plenty; each test opens its own context.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Command-line flags: no sandbox (containers, root), no GPU, and none of the browser's own traffic.</summary>
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, string executablePath)
    {
        _playwright = playwright;
        Browser = browser;
        ExecutablePath = executablePath;
    }

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>The executable that was started.</summary>
    public string ExecutablePath { get; }

    /// <summary>Starts the browser.</summary>
    /// <param name="executablePath">The browser to start; default <see cref="ChromiumLocator.Require"/>.</param>
    /// <param name="timeout">How long the start may take (default 60 s: two busy cores are slow).</param>
    /// <exception cref="FileNotFoundException">No browser was found.</exception>
    public static async Task<HeadlessChromium> LaunchAsync(string? executablePath = null, TimeSpan? timeout = null)
    {
        executablePath ??= ChromiumLocator.Require();
        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executablePath,
                Headless = true,
                ChromiumSandbox = false,
                Args = Arguments,
                Timeout = (float)(timeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds,
            }).ConfigureAwait(false);
            return new HeadlessChromium(playwright, browser, executablePath);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A new context (a fresh profile) where only <see cref="LocalRequestGuard.AllowedSchemes"/> (file:, data:, about:) load:
    /// every other request is aborted and recorded in <see cref="LocalBrowserContext.Requests"/>. Service workers are blocked so
    /// that every request passes the guard.
    /// </summary>
    /// <param name="options">Viewport, scale, <c>BypassCSP</c> and so on; <c>ServiceWorkers</c> is always <c>Block</c>.</param>
    /// <param name="allowedOrigins">Origins that load as well, such as a local server under test (<c>http://127.0.0.1:5123</c>).</param>
    public async Task<LocalBrowserContext> NewLocalContextAsync(BrowserNewContextOptions? options = null, IReadOnlyList<string>? allowedOrigins = null)
    {
        options = options is null ? new BrowserNewContextOptions() : new BrowserNewContextOptions(options);
        options.ServiceWorkers = ServiceWorkerPolicy.Block;
        var context = await Browser.NewContextAsync(options).ConfigureAwait(false);
        try
        {
            var guard = await LocalRequestGuard.AttachAsync(context, allowedOrigins).ConfigureAwait(false);
            return new LocalBrowserContext(context, guard);
        }
        catch
        {
            await context.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the browser and stops Playwright's driver.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}
