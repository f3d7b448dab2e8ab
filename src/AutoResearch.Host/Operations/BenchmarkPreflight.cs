using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;

namespace AutoResearch.Host.Operations;

/// <summary>
/// What a loaded benchmark needs before anything runs and the spec loader cannot see: its images on the Docker host (the runner
/// never pulls) and the scripts its commands name among the files copied into the sandbox. <c>validate</c> and <c>run</c> both use it.
/// </summary>
public static class BenchmarkPreflight
{
    /// <summary>Extensions of an argv element that names a script file (<c>train.py</c>, <c>run.sh</c>, ...).</summary>
    private static readonly HashSet<string> ScriptExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py", ".sh", ".bash", ".r", ".jl", ".pl", ".rb", ".js", ".mjs", ".cjs", ".lua", ".ts",
    };

    /// <summary>Every problem found, as <c>file: field: message</c> errors naming the benchmark file; empty when it can run.</summary>
    /// <exception cref="InvalidOperationException">The Docker host could not be asked about an image.</exception>
    public static async Task<IReadOnlyList<SpecError>> CheckAsync(BenchmarkSpec benchmark, ISandboxImages images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        ArgumentNullException.ThrowIfNull(images);
        var file = BenchmarkLoader.ResolveFile(benchmark.Directory);
        var errors = new List<SpecError>(CheckFiles(benchmark));
        if (!await images.ExistsAsync(benchmark.Image, cancellationToken))
            errors.Add(new SpecError(file, "image", MissingImage(benchmark.Image)));
        if (benchmark.Scorer?.Image is { } scorerImage && !string.Equals(scorerImage, benchmark.Image, StringComparison.Ordinal)
            && !await images.ExistsAsync(scorerImage, cancellationToken))
            errors.Add(new SpecError(file, "scorer.image", MissingImage(scorerImage)));
        return errors;
    }

    /// <summary>
    /// The file checks alone: every listed file (<c>files</c>, <c>scorer.files</c>) is on disk, and every argv element of
    /// <c>command</c> (<c>scorer.command</c>) that names a script (a relative path ending in a script extension, or starting with
    /// <c>./</c>) is one of the files copied into that sandbox.
    /// </summary>
    public static IReadOnlyList<SpecError> CheckFiles(BenchmarkSpec benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var file = BenchmarkLoader.ResolveFile(benchmark.Directory);
        var errors = new List<SpecError>();
        CheckListed(errors, file, benchmark.Directory, "files", benchmark.Files);
        CheckCommand(errors, file, benchmark.Directory, "command", benchmark.Command, benchmark.Files);
        if (benchmark.Scorer is { } scorer)
        {
            CheckListed(errors, file, benchmark.Directory, "scorer.files", scorer.Files);
            CheckCommand(errors, file, benchmark.Directory, "scorer.command", scorer.Command, scorer.Files);
        }
        return errors;
    }

    private static string MissingImage(string image) =>
        $"image '{image}' is not on the Docker host (runs never pull: build it, e.g. ./build.sh images, or docker pull it)";

    private static void CheckListed(List<SpecError> errors, string file, string folder, string field, IReadOnlyList<string> files)
    {
        for (var i = 0; i < files.Count; i++)
            if (!File.Exists(Path.Combine(folder, files[i])))
                errors.Add(new SpecError(file, $"{field}[{i}]", $"'{files[i]}' does not exist in {folder}"));
    }

    private static void CheckCommand(List<SpecError> errors, string file, string folder, string field, IReadOnlyList<string> command, IReadOnlyList<string> files)
    {
        for (var i = 0; i < command.Count; i++)
        {
            var arg = command[i];
            if (!LooksLikeScript(arg))
                continue;
            var relative = arg.StartsWith("./", StringComparison.Ordinal) ? arg[2..] : arg;
            if (files.Contains(relative, StringComparer.Ordinal))
                continue;
            var listName = field.StartsWith("scorer.", StringComparison.Ordinal) ? "scorer.files" : "files";
            errors.Add(new SpecError(file, $"{field}[{i}]", File.Exists(Path.Combine(folder, relative))
                ? $"script '{arg}' is not in {listName}, so it is not copied into the sandbox; add it to {listName}"
                : $"script '{arg}' does not exist in {folder} and is not in {listName}"));
        }
    }

    private static bool LooksLikeScript(string arg) =>
        arg.Length > 0 && arg[0] != '-' && !Path.IsPathRooted(arg) && !arg.Contains('=', StringComparison.Ordinal)
        && (arg.StartsWith("./", StringComparison.Ordinal) || ScriptExtensions.Contains(Path.GetExtension(arg)));
}
