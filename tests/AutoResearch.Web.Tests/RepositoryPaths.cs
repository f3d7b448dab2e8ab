namespace AutoResearch.Web.Tests;

/// <summary>The repository the tests run in (its campaigns, benchmarks and deploy files).</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding <c>AutoResearch.sln</c>, above the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln"))) return dir.FullName;
        throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
    }
}
