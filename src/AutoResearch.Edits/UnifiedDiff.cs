using System.Globalization;
using System.Text;

namespace AutoResearch.Edits;

/// <summary>
/// Writes, reads and applies standard unified diffs (<c>--- a/path</c>, <c>+++ b/path</c>, 3 lines of context,
/// <c>\ No newline at end of file</c> where a side does not end in a line break). What <see cref="Create(string, string, string)"/>
/// writes, <see cref="Apply(IReadOnlyDictionary{string, string}, string)"/> turns back into the new content exactly, CRLF lines included.
/// </summary>
public static class UnifiedDiff
{
    /// <summary>Lines of context around each change.</summary>
    public const int Context = 3;

    /// <summary>
    /// The diff from <paramref name="before"/> to <paramref name="after"/>, files in ordinal path order. Unchanged files produce
    /// nothing; a path missing from <paramref name="after"/> counts as unchanged; a path only in <paramref name="after"/> is written
    /// as a new file (<c>--- /dev/null</c>). Empty when nothing changed.
    /// </summary>
    public static string Create(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var text = new StringBuilder();
        foreach (var path in after.Keys.Order(StringComparer.Ordinal))
        {
            var isNew = !before.TryGetValue(path, out var old);
            Write(text, isNew ? null : path, path, old ?? "", after[path]);
        }
        return text.ToString();
    }

    /// <summary>The diff of one file; empty when <paramref name="before"/> equals <paramref name="after"/>.</summary>
    public static string Create(string path, string before, string after)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var text = new StringBuilder();
        Write(text, path, path, before, after);
        return text.ToString();
    }

    /// <summary>Reads the file patches of a diff text (prose and fences around it are skipped; search/replace blocks are not looked for).</summary>
    public static ParsedEdits Parse(string? diffText) => EditParser.ParseDiffOnly(diffText);

    /// <summary>
    /// Applies one file's patch to its content (rules in <see cref="FilePatch"/>); false with <paramref name="problem"/> when a hunk
    /// does not match. The patch's path is not looked at.
    /// </summary>
    public static bool TryApply(string original, FilePatch patch, out string result, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        var applied = PatchApplication.Apply(original, patch, out problem);
        result = applied ?? original;
        return applied is not null;
    }

    /// <summary>
    /// Applies a whole diff (for instance one stored earlier) to a set of files: any file in <paramref name="before"/> may change,
    /// no size limits, paths still checked; new, deleted and renamed files are refused. An empty diff succeeds with no change.
    /// </summary>
    public static EditOutcome Apply(IReadOnlyDictionary<string, string> before, string diffText)
    {
        ArgumentNullException.ThrowIfNull(before);
        return EditApplier.Apply(before, before.Keys.ToList(), Parse(diffText), EditLimits.Unlimited, requireChange: false);
    }

    private static void Write(StringBuilder text, string? oldPath, string newPath, string before, string after)
    {
        if (string.Equals(before, after, StringComparison.Ordinal)) return;
        var a = TextLines.Split(before);
        var b = TextLines.Split(after);
        var diff = LineDiff.Compute(a, b);

        // The edit script: (kind, index in a, index in b) with -1 for the side a line is not on.
        var script = new List<(DiffLineKind Kind, int A, int B)>(a.Count + b.Count);
        for (int i = 0, j = 0; i < a.Count || j < b.Count;)
        {
            if (i < a.Count && diff.Removed[i]) script.Add((DiffLineKind.Removed, i++, -1));
            else if (j < b.Count && diff.Added[j]) script.Add((DiffLineKind.Added, -1, j++));
            else script.Add((DiffLineKind.Context, i++, j++));
        }

        text.Append("--- ").Append(oldPath is null ? "/dev/null" : "a/" + oldPath).Append('\n');
        text.Append("+++ b/").Append(newPath).Append('\n');
        var s = 0;
        while (s < script.Count)
        {
            if (script[s].Kind == DiffLineKind.Context)
            {
                s++;
                continue;
            }
            // A hunk: from up to Context lines before this change to up to Context lines after the last change that is followed
            // by no more than 2 × Context unchanged lines.
            var first = s;
            while (first > 0 && s - first < Context && script[first - 1].Kind == DiffLineKind.Context) first--;
            var last = s;
            var k = s;
            while (k < script.Count)
            {
                if (script[k].Kind != DiffLineKind.Context)
                {
                    last = k++;
                    continue;
                }
                var run = k;
                while (run < script.Count && script[run].Kind == DiffLineKind.Context) run++;
                if (run == script.Count || run - k > 2 * Context) break;
                k = run;
            }
            var end = Math.Min(script.Count, last + 1 + Context);
            while (end > last + 1 && script[end - 1].Kind != DiffLineKind.Context) end--;
            WriteHunk(text, script, first, end, a, b);
            s = end;
        }
    }

    private static void WriteHunk(StringBuilder text, List<(DiffLineKind Kind, int A, int B)> script, int first, int end, List<string> a, List<string> b)
    {
        // Lines of each side before the hunk = first index on that side.
        int oldBefore = 0, newBefore = 0;
        for (var k = 0; k < first; k++)
        {
            if (script[k].Kind != DiffLineKind.Added) oldBefore++;
            if (script[k].Kind != DiffLineKind.Removed) newBefore++;
        }
        int oldCount = 0, newCount = 0;
        for (var k = first; k < end; k++)
        {
            if (script[k].Kind != DiffLineKind.Added) oldCount++;
            if (script[k].Kind != DiffLineKind.Removed) newCount++;
        }
        text.Append("@@ -").Append(Range(oldBefore, oldCount)).Append(" +").Append(Range(newBefore, newCount)).Append(" @@\n");
        for (var k = first; k < end; k++)
        {
            var (kind, i, j) = script[k];
            var line = kind == DiffLineKind.Added ? b[j] : a[i];
            text.Append(kind switch { DiffLineKind.Added => '+', DiffLineKind.Removed => '-', _ => ' ' }).Append(TextLines.Body(line)).Append('\n');
            if (!TextLines.Terminated(line)) text.Append("\\ No newline at end of file\n");
        }
    }

    /// <summary>GNU style: <c>start,count</c>, the count left out when 1, the start being the line before when the count is 0.</summary>
    private static string Range(int linesBefore, int count) => count switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $"{linesBefore},0"),
        1 => (linesBefore + 1).ToString(CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{linesBefore + 1},{count}"),
    };
}
