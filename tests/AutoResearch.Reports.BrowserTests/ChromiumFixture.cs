using AutoResearch.Testing.Browser;

namespace AutoResearch.Reports.BrowserTests;

/// <summary>One headless Chromium for a test class.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private HeadlessChromium? _chromium;

    public HeadlessChromium Chromium => _chromium ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync() => _chromium = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }
}
