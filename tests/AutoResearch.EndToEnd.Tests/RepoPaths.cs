namespace AutoResearch.EndToEnd.Tests;

/// <summary>Paths of the repository and of the built CLI, found from the test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built <c>autoresearch.dll</c> (same configuration as the tests).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "autoresearch.dll");

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln"))) return dir.FullName;
        throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
    }
}
