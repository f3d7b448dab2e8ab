using AutoResearch.Edits;

namespace AutoResearch.Models.Research;

/// <summary>Applies a model's edit text (search/replace blocks or a unified diff) with the limits of <see cref="EditLimits.Default"/>, and writes diffs.</summary>
public static class CodeEdits
{
    /// <summary>
    /// <paramref name="current"/> with the edits of <paramref name="editText"/> applied, or the problems (only editable files,
    /// paths inside the workspace, size limits, every block matching exactly once) in one line for the repair request.
    /// </summary>
    public static CodeEditResult Apply(string editText, IReadOnlyDictionary<string, string> current, IReadOnlyCollection<string> editable)
    {
        var parsed = EditParser.Parse(editText);
        if (parsed.IsEmpty)
            return new CodeEditResult([], "the text after the JSON has no search/replace block or unified diff that could be read");
        var outcome = EditApplier.Apply(current, editable, parsed, EditLimits.Default);
        return outcome.Succeeded
            ? new CodeEditResult(new Dictionary<string, string>(outcome.Files, StringComparer.Ordinal), null)
            : new CodeEditResult([], string.Join("; ", outcome.Problems));
    }

    /// <summary>A unified diff from <paramref name="before"/> to <paramref name="after"/> (files in both).</summary>
    public static string Diff(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) => UnifiedDiff.Create(before, after);
}
