namespace AutoResearch.Bench.Scheduling;

internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run from inside the repository (AutoResearch.sln not found above the binary).");
    }
}
