using System.Text;
using Microsoft.Playwright;

namespace AutoResearch.Testing.Browser;

/// <summary>
/// Files tests leave for people to look at (screenshots), in <c>&lt;repository&gt;/TestResults/artifacts/</c>: CI keeps
/// <c>TestResults/</c>. The folder is created on first use; <see cref="EnvironmentVariable"/> moves it.
/// </summary>
public static class TestArtifacts
{
    /// <summary>Environment variable naming another artifacts folder.</summary>
    public const string EnvironmentVariable = "AUTORESEARCH_TEST_ARTIFACTS";

    /// <summary>
    /// The artifacts folder (created): <see cref="EnvironmentVariable"/> when set, else <c>TestResults/artifacts</c> under the
    /// repository root (the nearest folder above the test's binaries holding a <c>.git</c> or a <c>*.sln</c>), else under the
    /// working directory.
    /// </summary>
    public static string Directory
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured
                ? Path.GetFullPath(configured)
                : Path.Combine(RepositoryRoot() ?? System.IO.Directory.GetCurrentDirectory(), "TestResults", "artifacts");
            System.IO.Directory.CreateDirectory(directory);
            return directory;
        }
    }

    /// <summary>The full path for an artifact named <paramref name="fileName"/> (characters unsafe in file names become '_').</summary>
    public static string PathFor(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var sb = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var safe = sb.ToString().Trim('.');
        return Path.Combine(Directory, safe.Length == 0 ? "artifact" : safe);
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> as <c>&lt;name&gt;.png</c> and says where through <paramref name="log"/>.</summary>
    /// <param name="page">The page.</param>
    /// <param name="name">The file name without <c>.png</c>.</param>
    /// <param name="log">Where to print the path, such as xunit's <c>ITestOutputHelper.WriteLine</c>.</param>
    /// <param name="fullPage">The whole scrollable page (default) or the viewport only.</param>
    /// <returns>The file's path.</returns>
    public static async Task<string> SaveScreenshotAsync(IPage page, string name, Action<string>? log = null, bool fullPage = true)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = PathFor(name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Type = ScreenshotType.Png }).ConfigureAwait(false);
        log?.Invoke($"screenshot: {path}");
        return path;
    }

    /// <summary>Saves a screenshot of one element as <c>&lt;name&gt;.png</c> and says where through <paramref name="log"/>.</summary>
    /// <returns>The file's path.</returns>
    public static async Task<string> SaveScreenshotAsync(ILocator element, string name, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(element);
        var path = PathFor(name + ".png");
        await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = path, Type = ScreenshotType.Png }).ConfigureAwait(false);
        log?.Invoke($"screenshot: {path}");
        return path;
    }

    /// <summary>The repository root: the nearest folder above the test's binaries holding a <c>.git</c> or a <c>*.sln</c>; null when none.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Path.Exists(Path.Combine(dir.FullName, ".git")) || dir.EnumerateFiles("*.sln").Any())
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
