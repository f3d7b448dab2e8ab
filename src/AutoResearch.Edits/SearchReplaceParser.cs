using System.Text.RegularExpressions;

namespace AutoResearch.Edits;

/// <summary>
/// Finds aider-style blocks: a file path line (bare, in backticks or bold, optionally with a <c>```lang</c> fence between it and the
/// block, or inside the fence), then <c>&lt;&lt;&lt;&lt;&lt;&lt;&lt; SEARCH</c>, the text, <c>=======</c>, the replacement,
/// <c>&gt;&gt;&gt;&gt;&gt;&gt;&gt; REPLACE</c>. Markers take 5 to 9 marker characters. A block with no path line reuses the previous block's path.
/// </summary>
internal static partial class SearchReplaceParser
{
    public static void Parse(ParseState state)
    {
        var lines = state.Lines;
        string? previousPath = null;
        var floor = 0;
        var i = 0;
        while (i < lines.Count)
        {
            if (IsMarker(state.Trimmed(i), '>', "REPLACE"))
            {
                state.Problem(i, "'>>>>>>> REPLACE' has no '<<<<<<< SEARCH' before it");
                state.Consumed[i] = true;
                i++;
                continue;
            }
            if (!IsMarker(state.Trimmed(i), '<', "SEARCH"))
            {
                i++;
                continue;
            }

            var start = i;
            var divider = Scan(state, start + 1);
            if (divider >= lines.Count || !IsMarker(state.Trimmed(divider), '=', null))
            {
                state.Problem(start, $"'<<<<<<< SEARCH' is not followed by '=======' before {Describe(state, divider)}");
                i = Skip(state, start, divider);
                continue;
            }
            var end = Scan(state, divider + 1);
            if (end >= lines.Count || !IsMarker(state.Trimmed(end), '>', "REPLACE"))
            {
                state.Problem(start, $"'<<<<<<< SEARCH' ... '=======' is not followed by '>>>>>>> REPLACE' before {Describe(state, end)}");
                i = Skip(state, start, end);
                continue;
            }

            for (var k = start; k <= end; k++) state.Consumed[k] = true;
            var path = FindPath(state, start, floor) ?? previousPath;
            if (path is null)
                state.Problem(start, "no file path on the line before '<<<<<<< SEARCH' (write the path alone on that line)");
            else
                state.Edits.Add((start, new SearchReplaceEdit(0, path, Join(lines, start + 1, divider), Join(lines, divider + 1, end))));
            previousPath = path;
            floor = end + 1;
            i = end + 1;
        }
    }

    /// <summary>True for a marker line: 5 to 9 <paramref name="c"/>, then <paramref name="keyword"/> (or nothing when null).</summary>
    internal static bool IsMarker(string trimmed, char c, string? keyword)
    {
        var run = 0;
        while (run < trimmed.Length && trimmed[run] == c) run++;
        if (run is < 5 or > 9) return false;
        var rest = trimmed[run..].TrimStart();
        return keyword is null ? rest.Length == 0 : rest == keyword;
    }

    /// <summary>Index of the next marker line at or after <paramref name="from"/>, or the line count.</summary>
    private static int Scan(ParseState state, int from)
    {
        for (var k = from; k < state.Lines.Count; k++)
        {
            var t = state.Trimmed(k);
            if (IsMarker(t, '<', "SEARCH") || IsMarker(t, '=', null) || IsMarker(t, '>', "REPLACE")) return k;
        }
        return state.Lines.Count;
    }

    private static string Describe(ParseState state, int index)
    {
        if (index >= state.Lines.Count) return "the end of the answer";
        var t = state.Trimmed(index);
        var what = IsMarker(t, '<', "SEARCH") ? "the next '<<<<<<< SEARCH'" : IsMarker(t, '=', null) ? "another '======='" : "'>>>>>>> REPLACE'";
        return $"{what} (line {index + 1})";
    }

    /// <summary>Marks a malformed block's lines as seen and says where to go on: at a new SEARCH marker, else after the stop line.</summary>
    private static int Skip(ParseState state, int start, int stop)
    {
        var last = Math.Min(stop, state.Lines.Count - 1);
        var resumeAtStop = stop < state.Lines.Count && IsMarker(state.Trimmed(stop), '<', "SEARCH");
        for (var k = start; k <= last; k++)
            if (!(resumeAtStop && k == stop)) state.Consumed[k] = true;
        return resumeAtStop ? stop : stop + 1;
    }

    private static string Join(IReadOnlyList<string> lines, int from, int to)
    {
        if (to <= from) return "";
        return string.Concat(Enumerable.Range(from, to - from).Select(k => lines[k].TrimEnd('\r') + "\n"));
    }

    /// <summary>
    /// The path on the nearest non-blank line above the block (at or after <paramref name="floor"/>), looking past at most one fence
    /// line; null when that line does not look like a path (prose), so that the previous block's path is used.
    /// </summary>
    private static string? FindPath(ParseState state, int searchLine, int floor)
    {
        var fences = 0;
        for (var k = searchLine - 1; k >= floor; k--)
        {
            var t = state.Lines[k].Trim();
            if (t.Length == 0) continue;
            if (t.StartsWith("```", StringComparison.Ordinal) || t.StartsWith("~~~", StringComparison.Ordinal))
            {
                if (++fences > 1) return null;
                continue;
            }
            return CleanPath(t);
        }
        return null;
    }

    /// <summary>Strips markdown around a path (<c>### `kernel.c`:</c>, <c>**kernel.c**</c>, <c>File: kernel.c</c>); null for prose.</summary>
    internal static string? CleanPath(string line)
    {
        var t = line.Trim().TrimStart('#').Trim();
        if (LabelPrefix().Match(t) is { Success: true } label) t = t[label.Length..];
        for (var round = 0; round < 3; round++)
            t = t.Trim().TrimEnd(':').Trim().Trim('`', '*', '"', '\'');
        return t.Length is > 0 and <= 260 && !t.Any(char.IsWhiteSpace) ? t : null;
    }

    [GeneratedRegex(@"^(?:file(?:name)?|path)\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LabelPrefix();
}
