using System.Globalization;

namespace AutoResearch.Edits;

/// <summary>
/// Applies one <see cref="SearchReplaceEdit"/> to a file's content.
/// Matching is line by line and ignores trailing whitespace (spaces, tabs, <c>\r</c>) on each line, so CRLF against LF and stray
/// trailing spaces do not matter; indentation and everything else must be exact. The SEARCH text must match exactly one place
/// (when it matches several places ignoring trailing whitespace but exactly one byte for byte, that one is taken).
/// Replacement lines take the line ending of the first line they replace; lines outside the match are kept byte for byte;
/// a file that did not end in a line break still does not when its last line was replaced.
/// </summary>
internal static class SearchReplaceApplication
{
    /// <summary>The new content, or null with <paramref name="problem"/> saying why (a clause after "edit N ('file'): ").</summary>
    public static string? Apply(string content, SearchReplaceEdit edit, out string? problem)
    {
        problem = null;
        var lines = TextLines.Split(content);
        var search = TextLines.SplitBodies(edit.Search).Select(l => l.TrimEnd('\r')).ToList();
        var replace = TextLines.SplitBodies(edit.Replace).Select(l => l.TrimEnd('\r')).ToList();
        if (search.Count == 0)
        {
            var style = lines.FirstOrDefault(TextLines.Terminated);
            return string.Concat(replace.Select(r => TextLines.Terminate(r, style)));
        }

        var fileKeys = lines.Select(TextLines.Key).ToArray();
        var searchKeys = search.Select(TextLines.Key).ToArray();
        var matches = new List<int>();
        for (var p = 0; p + searchKeys.Length <= fileKeys.Length; p++)
            if (MatchesAt(fileKeys, searchKeys, p)) matches.Add(p);

        if (matches.Count > 1)
        {
            var exact = matches.Where(p => search.Select((s, k) => TextLines.Body(lines[p + k]).TrimEnd('\r') == s).All(x => x)).ToList();
            if (exact.Count == 1) matches = exact;
        }
        if (matches.Count == 0)
        {
            problem = "the SEARCH text was not found; " + NotFoundHint(lines, fileKeys, search, searchKeys);
            return null;
        }
        if (matches.Count > 1)
        {
            var where = string.Join(", ", matches.Take(5).Select(p => (p + 1).ToString(CultureInfo.InvariantCulture)));
            problem = $"the SEARCH text matches {matches.Count} places (starting at lines {where}{(matches.Count > 5 ? ", ..." : "")}); "
                + "include more surrounding lines so that it matches exactly one";
            return null;
        }

        var at = matches[0];
        var replacing = lines[at];
        var newLines = replace.Select(r => TextLines.Terminate(r, replacing)).ToList();
        var endsFile = at + search.Count == lines.Count;
        if (endsFile && !TextLines.Terminated(lines[^1]))
        {
            // Keep "no line break at the end of the file".
            if (newLines.Count > 0) newLines[^1] = StripTerminator(newLines[^1]);
            else if (at > 0) lines[at - 1] = StripTerminator(lines[at - 1]);
        }
        lines.RemoveRange(at, search.Count);
        lines.InsertRange(at, newLines);
        TextLines.EnsureTerminators(lines);
        return string.Concat(lines);
    }

    private static string StripTerminator(string line)
    {
        var body = TextLines.Body(line);
        return body.EndsWith('\r') ? body[..^1] : body;
    }

    private static bool MatchesAt(string[] fileKeys, string[] searchKeys, int p)
    {
        for (var k = 0; k < searchKeys.Length; k++)
            if (!string.Equals(fileKeys[p + k], searchKeys[k], StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>
    /// Where the SEARCH text nearly matches: the alignment with the most equal non-blank lines and its first differing line;
    /// failing that, the file line closest to the first non-blank SEARCH line.
    /// </summary>
    private static string NotFoundHint(List<string> lines, string[] fileKeys, List<string> search, string[] searchKeys)
    {
        if (lines.Count == 0) return "the file is empty";
        int bestAt = -1, bestCount = 0;
        for (var p = 0; p < fileKeys.Length; p++)
        {
            var count = 0;
            for (var k = 0; k < searchKeys.Length && p + k < fileKeys.Length; k++)
                if (searchKeys[k].Length > 0 && string.Equals(fileKeys[p + k], searchKeys[k], StringComparison.Ordinal)) count++;
            if (count > bestCount) (bestAt, bestCount) = (p, count);
        }
        if (bestAt >= 0)
        {
            for (var k = 0; k < searchKeys.Length; k++)
            {
                if (bestAt + k >= fileKeys.Length)
                    return $"the closest place starts at line {bestAt + 1} ({bestCount} of {searchKeys.Length} lines equal), "
                        + $"but the file ends before SEARCH line {k + 1} {TextLines.Quote(search[k])}";
                if (!string.Equals(fileKeys[bestAt + k], searchKeys[k], StringComparison.Ordinal))
                    return $"the closest place starts at line {bestAt + 1} ({bestCount} of {searchKeys.Length} lines equal), "
                        + $"but SEARCH line {k + 1} {TextLines.Quote(search[k])} differs from file line {bestAt + k + 1} {TextLines.Quote(lines[bestAt + k])}"
                        + Indentation(searchKeys[k], fileKeys[bestAt + k]);
            }
        }
        var first = Array.FindIndex(searchKeys, s => s.Trim().Length > 0);
        if (first < 0) return "it holds only blank lines";
        var target = searchKeys[first].Trim();
        var closest = Enumerable.Range(0, fileKeys.Length).MinBy(i => Similarity.Distance(fileKeys[i].Trim(), target));
        return $"no file line equals SEARCH line {first + 1} {TextLines.Quote(search[first])}; the closest is line {closest + 1} {TextLines.Quote(lines[closest])}"
            + Indentation(searchKeys[first], fileKeys[closest]);
    }

    private static string Indentation(string searchKey, string fileKey) =>
        searchKey.Trim() == fileKey.Trim() ? " (they differ only in indentation)" : "";
}
