namespace AutoResearch.Reports.BrowserTests;

/// <summary>The browser tests share one headless Chromium and run one at a time (two cores are plenty busy with one browser).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Browser";
}
