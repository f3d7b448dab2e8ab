namespace AutoResearch.Edits;

/// <summary>
/// Applies a <see cref="FilePatch"/> to a file's content, hunk by hunk in order.
/// A hunk's context and removed lines must all match (ignoring trailing whitespace, <c>\r</c> included); no context is ever dropped.
/// It is looked for first where its header says (shifted by what earlier hunks added or removed and by the offset at which the
/// previous hunk was found), then ever further away, nearest first (above before below on a tie), never before the end of the
/// previous hunk. A hunk whose header has no line numbers must match exactly one place.
/// Context lines keep the file's bytes; added lines take the file's line ending around them unless the patch keeps exact line endings.
/// </summary>
internal static class PatchApplication
{
    /// <summary>The new content, or null with <paramref name="problem"/> (a clause after "edit N ('file')").</summary>
    public static string? Apply(string content, FilePatch patch, out string? problem)
    {
        problem = null;
        var lines = TextLines.Split(content);
        var minimum = 0;
        var shift = 0;
        for (var h = 0; h < patch.Hunks.Count; h++)
        {
            var hunk = patch.Hunks[h];
            var old = hunk.Lines.Where(l => l.Kind != DiffLineKind.Added).Select(l => TextLines.Key(l.Text)).ToArray();
            var fileKeys = lines.Select(TextLines.Key).ToArray();
            var label = $"hunk {h + 1} ({hunk.Header})";
            int at;
            if (hunk.OldStart is not { } start)
            {
                if (old.Length == 0)
                {
                    problem = $"{label} has neither line numbers nor context lines, so there is no telling where it goes";
                    return null;
                }
                var found = Enumerable.Range(minimum, Math.Max(0, fileKeys.Length - old.Length - minimum + 1)).Where(p => MatchesAt(fileKeys, old, p)).ToList();
                if (found.Count != 1)
                {
                    problem = found.Count == 0
                        ? $"{label}: its context and removed lines match nowhere in the file{FirstLineHint(fileKeys, old, hunk, minimum)}"
                        : $"{label} has no line numbers and its context matches {found.Count} places; give line numbers or more context";
                    return null;
                }
                at = found[0];
            }
            else
            {
                var expected = (old.Length == 0 ? start : start - 1) + shift;
                if (old.Length == 0)
                {
                    if (expected < minimum || expected > lines.Count)
                    {
                        problem = $"{label} inserts after line {start}, but the file has {lines.Count} lines at that point";
                        return null;
                    }
                    at = expected;
                }
                else if (Find(fileKeys, old, expected, minimum) is { } position)
                    at = position;
                else
                {
                    var tried = Math.Clamp(expected, minimum, Math.Max(minimum, lines.Count - old.Length));
                    var why = expected + old.Length > lines.Count
                        ? $"it says line {start}, but the file has only {lines.Count} lines at that point; "
                        : expected < minimum ? $"it says line {start}, which is inside or before hunk {h}; " : "";
                    problem = $"{label}: {why}{Mismatch(lines, fileKeys, old, hunk, tried)}; it matches nowhere else in the file either";
                    return null;
                }
                shift += at - expected;
            }

            var replacement = Build(lines, at, hunk, patch.ExactLineEndings);
            lines.RemoveRange(at, old.Length);
            lines.InsertRange(at, replacement);
            shift += replacement.Count - old.Length;
            minimum = at + replacement.Count;
        }
        TextLines.EnsureTerminators(lines);
        return string.Concat(lines);
    }

    private static bool MatchesAt(string[] fileKeys, string[] old, int p)
    {
        if (p < 0 || p + old.Length > fileKeys.Length) return false;
        for (var k = 0; k < old.Length; k++)
            if (!string.Equals(fileKeys[p + k], old[k], StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>The matching position nearest to <paramref name="expected"/> at or after <paramref name="minimum"/>.</summary>
    private static int? Find(string[] fileKeys, string[] old, int expected, int minimum)
    {
        var last = fileKeys.Length - old.Length;
        for (var distance = 0; expected - distance >= minimum || expected + distance <= last; distance++)
        {
            var above = expected - distance;
            if (above >= minimum && MatchesAt(fileKeys, old, above)) return above;
            var below = expected + distance;
            if (distance > 0 && below >= minimum && MatchesAt(fileKeys, old, below)) return below;
        }
        return null;
    }

    /// <summary>The hunk's lines for the result: context lines as they are in the file, added lines with a line ending.</summary>
    private static List<string> Build(List<string> lines, int at, DiffHunk hunk, bool exact)
    {
        var result = new List<string>();
        var f = at;
        string? lastOld = null;
        var firstOld = hunk.Lines.Any(l => l.Kind != DiffLineKind.Added) ? lines[at] : null;
        var outside = at > 0 ? lines[at - 1] : at < lines.Count ? lines[at] : null;
        foreach (var line in hunk.Lines)
        {
            switch (line.Kind)
            {
                case DiffLineKind.Context:
                    result.Add(lastOld = lines[f++]);
                    break;
                case DiffLineKind.Removed:
                    lastOld = lines[f++];
                    break;
                default:
                    if (line.NoNewline) result.Add(exact ? line.Text : line.Text.TrimEnd('\r'));
                    else if (exact) result.Add(line.Text + "\n");
                    else result.Add(TextLines.Terminate(line.Text, lastOld ?? firstOld ?? outside));
                    break;
            }
        }
        return result;
    }

    private static string Mismatch(List<string> lines, string[] fileKeys, string[] old, DiffHunk hunk, int p)
    {
        var oldLines = hunk.Lines.Where(l => l.Kind != DiffLineKind.Added).ToList();
        for (var k = 0; k < old.Length; k++)
        {
            var what = oldLines[k].Kind == DiffLineKind.Context ? "context" : "removed";
            if (p + k >= lines.Count)
                return $"the file ends (after line {lines.Count}) where the hunk expects {what} line {TextLines.Quote(oldLines[k].Text)}";
            if (!string.Equals(fileKeys[p + k], old[k], StringComparison.Ordinal))
                return $"line {p + k + 1} of the file is {TextLines.Quote(lines[p + k])} but the hunk expects {what} line {TextLines.Quote(oldLines[k].Text)}";
        }
        return $"the hunk does not fit at line {p + 1}";
    }

    private static string FirstLineHint(string[] fileKeys, string[] old, DiffHunk hunk, int minimum)
    {
        var first = hunk.Lines.First(l => l.Kind != DiffLineKind.Added);
        return Array.IndexOf(fileKeys, old[0], minimum) < 0 ? $" (not even its first line {TextLines.Quote(first.Text)})" : "";
    }
}
