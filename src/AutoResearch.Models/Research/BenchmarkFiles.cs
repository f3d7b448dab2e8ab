using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Models.Research;

/// <summary>Reads a benchmark's editable files and its task description from its folder.</summary>
public static class BenchmarkFiles
{
    /// <summary>The editable files' baseline contents (path → text); a missing file is an error naming it.</summary>
    public static Dictionary<string, string> ReadEditable(BenchmarkSpec benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in benchmark.Editable)
        {
            var full = Path.Combine(benchmark.Directory, path);
            if (!File.Exists(full)) throw new FileNotFoundException($"Editable file '{path}' of benchmark {benchmark.Name} is missing from {benchmark.Directory}.", full);
            files[path] = File.ReadAllText(full);
        }
        return files;
    }

    /// <summary>The task description (program.md-style file named by <see cref="BenchmarkSpec.Description"/>), or null.</summary>
    public static string? ReadTask(BenchmarkSpec benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        if (benchmark.Description is not { Length: > 0 } description) return null;
        var full = Path.Combine(benchmark.Directory, description);
        return File.Exists(full) ? File.ReadAllText(full) : description;
    }
}
