namespace AutoResearch.Testing.Browser;

/// <summary>Finds the Chromium executable the browser tests drive (Debian's <c>chromium</c>, installed by <c>scripts/browser.sh</c>).</summary>
public static class ChromiumLocator
{
    /// <summary>Environment variable that names the browser executable; it overrides the usual places.</summary>
    public const string EnvironmentVariable = "AUTORESEARCH_CHROMIUM";

    /// <summary>Where Debian and Ubuntu put the browser, in the order they are tried.</summary>
    public static readonly IReadOnlyList<string> CandidatePaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>The browser to use: <see cref="EnvironmentVariable"/> when set, else the first of <see cref="CandidatePaths"/> that exists; null when none does.</summary>
    /// <exception cref="FileNotFoundException">The environment variable names a file that does not exist.</exception>
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"{EnvironmentVariable}={configured} does not exist.", configured);
        }

        return CandidatePaths.FirstOrDefault(File.Exists);
    }

    /// <summary>Like <see cref="Find"/>, but says how to get a browser when there is none.</summary>
    /// <exception cref="FileNotFoundException">No browser was found.</exception>
    public static string Require() =>
        Find() ?? throw new FileNotFoundException(
            $"No Chromium found (looked at {string.Join(", ", CandidatePaths)}). Run 'bash scripts/browser.sh' (installs Debian's chromium) " +
            $"or set {EnvironmentVariable} to a Chromium executable.");
}
