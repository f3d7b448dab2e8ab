using System.Text;

namespace AutoResearch.Edits;

/// <summary>
/// Validates and applies parsed edits to a benchmark's files, all or nothing. Checks, in order: the answer parsed cleanly and holds
/// edits; the edits' text is within <see cref="EditLimits.MaxEditBytes"/>; every path is safe (<see cref="EditPaths"/>), editable and
/// existing (diffs may not create, delete or rename files); at most <see cref="EditLimits.MaxFiles"/> files are touched; every edit
/// applies (see <see cref="SearchReplaceEdit"/> and <see cref="FilePatch"/> for what is tolerated); no resulting file exceeds
/// <see cref="EditLimits.MaxFileBytes"/>; something changed. Every problem found is reported, not only the first.
/// Never throws on bad model input (only on null arguments).
/// </summary>
public static class EditApplier
{
    /// <summary>Applies <paramref name="edits"/> to <paramref name="originals"/>.</summary>
    /// <param name="originals">Current contents by path (relative, as in the benchmark's file list); never modified.</param>
    /// <param name="editable">Paths the edits may change (a leading <c>./</c> is ignored).</param>
    /// <param name="edits">What <see cref="EditParser.Parse"/> found.</param>
    /// <param name="limits">Limits; <see cref="EditLimits.Default"/> when null.</param>
    public static EditOutcome Apply(
        IReadOnlyDictionary<string, string> originals, IReadOnlyCollection<string> editable, ParsedEdits edits, EditLimits? limits = null) =>
        Apply(originals, editable, edits, limits ?? EditLimits.Default, requireChange: true);

    internal static EditOutcome Apply(
        IReadOnlyDictionary<string, string> originals, IReadOnlyCollection<string> editable, ParsedEdits edits, EditLimits limits, bool requireChange)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(editable);
        ArgumentNullException.ThrowIfNull(edits);
        ArgumentNullException.ThrowIfNull(limits);

        var problems = new List<string>(edits.Problems);
        if (edits.Edits.Count == 0)
        {
            if (problems.Count > 0) return EditOutcome.Failure(problems);
            return requireChange
                ? EditOutcome.Failure(["no edits found: expected SEARCH/REPLACE blocks (path line, '<<<<<<< SEARCH', text, '=======', replacement, '>>>>>>> REPLACE') or a unified diff ('--- a/path', '+++ b/path', '@@ ... @@' hunks)"])
                : EditOutcome.Success(originals, []);
        }
        var editBytes = edits.Edits.Sum(e => (long)e.ContentBytes);
        if (editBytes > limits.MaxEditBytes)
            return EditOutcome.Failure([.. problems, $"the edits hold {editBytes} bytes of text; at most {limits.MaxEditBytes} are allowed"]);

        var editableSet = editable
            .Select(p => EditPaths.TryNormalize(p, out var n, out _) ? n : null)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in originals.Keys)
            if (EditPaths.TryNormalize(key, out var n, out _)) keys.TryAdd(n, key);
        var editableList = editableSet.Count == 0 ? "none" : string.Join(", ", editableSet.Order(StringComparer.Ordinal));

        var valid = new List<(FileEdit Edit, string Key)>();
        foreach (var edit in edits.Edits)
        {
            if (Target(edit, editableSet, editableList, keys) is { } problem)
                problems.Add(problem);
            else
                valid.Add((edit, keys[Normalized(edit)]));
        }
        var targets = valid.Select(v => v.Key).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count > limits.MaxFiles)
            problems.Add($"the edits change {targets.Count} files ({string.Join(", ", targets)}); at most {limits.MaxFiles} may change at once");

        var current = targets.ToDictionary(k => k, k => originals[k], StringComparer.Ordinal);
        foreach (var (edit, key) in valid)
        {
            string? problem;
            var updated = edit switch
            {
                SearchReplaceEdit block => SearchReplaceApplication.Apply(current[key], block, out problem),
                FilePatch patch => PatchApplication.Apply(current[key], patch, out problem),
                _ => Unsupported(edit, out problem),
            };
            if (updated is null) problems.Add($"edit {edit.Number} ({EditPaths.Display(edit.Path)}): {problem}");
            else current[key] = updated;
        }

        foreach (var key in targets)
        {
            var bytes = Encoding.UTF8.GetByteCount(current[key]);
            if (bytes > limits.MaxFileBytes)
                problems.Add($"'{key}' would be {bytes} bytes after the edits; at most {limits.MaxFileBytes} are allowed");
        }
        var changed = targets.Where(k => !string.Equals(current[k], originals[k], StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (problems.Count == 0 && changed.Count == 0 && requireChange)
            problems.Add("the edits leave every file unchanged (each replacement equals the text it replaces)");
        if (problems.Count > 0) return EditOutcome.Failure(problems);

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, content) in originals) files[key] = current.TryGetValue(key, out var updatedContent) ? updatedContent : content;
        return EditOutcome.Success(files, changed);
    }

    private static string Normalized(FileEdit edit) => EditPaths.TryNormalize(edit.Path, out var n, out _) ? n : edit.Path;

    /// <summary>What is wrong with where the edit points, or no problem.</summary>
    private static string? Target(
        FileEdit edit, HashSet<string> editable, string editableList, Dictionary<string, string> keys)
    {
        var shown = EditPaths.Display(edit.Path);
        if (edit is FilePatch patch)
        {
            if (patch.OldPath is null && patch.NewPath is null)
                return $"edit {edit.Number} is a diff from /dev/null to /dev/null";
            if (patch.OldPath is null)
                return $"edit {edit.Number} creates a new file '{shown}'; only existing editable files may be changed (editable: {editableList})";
            if (patch.NewPath is null)
                return $"edit {edit.Number} deletes '{EditPaths.Display(patch.OldPath)}'; deleting files is not allowed";
            var from = EditPaths.TryNormalize(patch.OldPath, out var o, out _) ? o : patch.OldPath;
            var to = EditPaths.TryNormalize(patch.NewPath, out var t, out _) ? t : patch.NewPath;
            if (!string.Equals(from, to, StringComparison.Ordinal))
                return $"edit {edit.Number} renames '{EditPaths.Display(patch.OldPath)}' to '{shown}'; renaming is not allowed";
        }
        if (!EditPaths.TryNormalize(edit.Path, out var normalized, out var pathProblem))
            return $"edit {edit.Number} targets '{shown}', which {pathProblem}";
        if (!editable.Contains(normalized))
            return $"edit {edit.Number} targets '{shown}', which is not editable (editable: {editableList})";
        if (!keys.ContainsKey(normalized))
            return $"edit {edit.Number} targets '{shown}', which is editable but does not exist";
        return null;
    }

    private static string? Unsupported(FileEdit edit, out string? problem)
    {
        problem = $"unsupported kind of edit {edit.GetType().Name}";
        return null;
    }
}
