using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoResearch.Edits;

/// <summary>
/// Finds unified diffs in a model's answer: <c>--- a/path</c> + <c>+++ b/path</c> headers (the <c>a/</c>, <c>b/</c> prefixes and a
/// tab-separated timestamp are optional), then <c>@@ -l,s +l,s @@</c> hunks. Prose and fences around the diff are skipped.
/// </summary>
/// <remarks>
/// A hunk is first read by its header counts (a missing count means 1), which is how lines such as <c>--- x</c> inside a hunk are told
/// from a header. When the counts do not fit the lines that follow (models miscount), the hunk is read by its lines instead: it runs
/// while lines start with <c>' '</c>, <c>'-'</c>, <c>'+'</c> or <c>'\'</c>; an empty line is an empty context line when more hunk lines
/// follow it, else it ends the hunk. Nothing is lost by this tolerance: every context and removed line must still match the file.
/// </remarks>
internal static partial class UnifiedDiffParser
{
    public static void Parse(ParseState state)
    {
        var lines = state.Lines;
        PatchBuilder? current = null;
        var i = 0;
        while (i < lines.Count)
        {
            if (state.Consumed[i])
            {
                Close(state, ref current);
                i++;
                continue;
            }
            var trimmed = state.Trimmed(i);
            if (IsHeaderPair(state, i))
            {
                Close(state, ref current);
                current = new PatchBuilder(i, ParsePath(trimmed[3..], "a/"), ParsePath(state.Trimmed(i + 1)[3..], "b/"));
                i += 2;
                continue;
            }
            if (!trimmed.StartsWith("@@", StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            var headerLine = i;
            if (!TryParseHeader(trimmed, out var oldStart, out var oldCount, out var newStart, out var newCount))
            {
                state.Problem(i, $"malformed hunk header '{Shorten(trimmed)}' (expected '@@ -start,count +start,count @@')");
                if (current is not null) current.Broken = true;
                i++;
                continue;
            }
            var body = oldCount is { } oc && newCount is { } nc ? ReadByCounts(state, i + 1, oc, nc) : null;
            body ??= ReadByLines(state, i + 1);
            i = body.Value.Next;
            if (current is null)
                state.Problem(headerLine, "hunk has no '--- a/<file>' and '+++ b/<file>' header before it");
            else if (body.Value.Lines.Count == 0)
            {
                state.Problem(headerLine, "hunk has no lines");
                current.Broken = true;
            }
            else
                current.Hunks.Add(new DiffHunk(oldStart, newStart, body.Value.Lines));
        }
        Close(state, ref current);
    }

    private static void Close(ParseState state, ref PatchBuilder? current)
    {
        if (current is null) return;
        var path = current.NewPath ?? current.OldPath ?? "";
        if (current.Hunks.Count == 0)
        {
            if (!current.Broken) state.Problem(current.Line, $"the diff header for '{EditPaths.Display(path)}' has no hunks");
        }
        else if (!current.Broken)
            state.Edits.Add((current.Line, new FilePatch(0, path, current.OldPath, current.NewPath, current.Hunks, state.ExactLineEndings)));
        current = null;
    }

    private static bool IsHeaderPair(ParseState state, int i) =>
        i + 1 < state.Lines.Count && !state.Consumed[i + 1]
        && state.Trimmed(i).StartsWith("--- ", StringComparison.Ordinal)
        && state.Trimmed(i + 1).StartsWith("+++ ", StringComparison.Ordinal);

    /// <summary>The path of a header line after <c>---</c>/<c>+++</c>: timestamp and quotes dropped, prefix stripped; null for /dev/null.</summary>
    private static string? ParsePath(string raw, string prefix)
    {
        var tab = raw.IndexOf('\t');
        var path = (tab >= 0 ? raw[..tab] : raw).Trim();
        if (path.Length >= 2 && path[0] == '"' && path[^1] == '"') path = path[1..^1];
        if (path == "/dev/null") return null;
        return path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
    }

    private static bool TryParseHeader(string trimmed, out int? oldStart, out int? oldCount, out int? newStart, out int? newCount)
    {
        oldStart = oldCount = newStart = newCount = null;
        if (NumberlessHeader().IsMatch(trimmed)) return true;
        var m = Header().Match(trimmed);
        if (!m.Success) return false;
        static bool Number(Group g, int fallback, out int value)
        {
            value = fallback;
            return !g.Success || int.TryParse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
        if (!Number(m.Groups[1], 0, out var os) || !Number(m.Groups[2], 1, out var oc)
            || !Number(m.Groups[3], 0, out var ns) || !Number(m.Groups[4], 1, out var nc))
            return false;
        (oldStart, oldCount, newStart, newCount) = (os, oc, ns, nc);
        return true;
    }

    /// <summary>Reads a hunk exactly as its counts say, or null when the lines do not fit them.</summary>
    private static (List<DiffLine> Lines, int Next)? ReadByCounts(ParseState state, int from, int oldLeft, int newLeft)
    {
        var lines = new List<DiffLine>();
        var k = from;
        while (oldLeft > 0 || newLeft > 0)
        {
            if (k >= state.Lines.Count || state.Consumed[k]) return null;
            var raw = state.Lines[k];
            var kind = raw.Length == 0 ? ' ' : raw[0];
            switch (kind)
            {
                case ' ' when oldLeft > 0 && newLeft > 0:
                    lines.Add(new DiffLine(DiffLineKind.Context, raw.Length == 0 ? "" : raw[1..]));
                    oldLeft--;
                    newLeft--;
                    break;
                case '-' when oldLeft > 0:
                    lines.Add(new DiffLine(DiffLineKind.Removed, raw[1..]));
                    oldLeft--;
                    break;
                case '+' when newLeft > 0:
                    lines.Add(new DiffLine(DiffLineKind.Added, raw[1..]));
                    newLeft--;
                    break;
                case '\\' when lines.Count > 0:
                    lines[^1] = lines[^1] with { NoNewline = true };
                    break;
                default:
                    return null;
            }
            k++;
        }
        if (k < state.Lines.Count && !state.Consumed[k] && state.Lines[k].StartsWith('\\') && lines.Count > 0)
        {
            lines[^1] = lines[^1] with { NoNewline = true };
            k++;
        }
        // More hunk lines right after (blank lines aside): the counts were wrong; read by lines instead.
        var next = k;
        while (next < state.Lines.Count && !state.Consumed[next] && state.Lines[next].Length == 0) next++;
        return next < state.Lines.Count && IsBodyLine(state, next) ? null : (lines, k);
    }

    /// <summary>Reads a hunk by its lines alone (counts missing or wrong).</summary>
    private static (List<DiffLine> Lines, int Next) ReadByLines(ParseState state, int from)
    {
        var lines = new List<DiffLine>();
        var k = from;
        while (k < state.Lines.Count && !state.Consumed[k])
        {
            var raw = state.Lines[k];
            if (raw.Length == 0)
            {
                var j = k;
                while (j < state.Lines.Count && !state.Consumed[j] && state.Lines[j].Length == 0) j++;
                if (j >= state.Lines.Count || !IsBodyLine(state, j)) break;
                for (; k < j; k++) lines.Add(new DiffLine(DiffLineKind.Context, ""));
                continue;
            }
            if (!IsBodyLine(state, k)) break;
            if (raw[0] == '\\')
            {
                if (lines.Count > 0) lines[^1] = lines[^1] with { NoNewline = true };
            }
            else
            {
                var kind = raw[0] switch { '-' => DiffLineKind.Removed, '+' => DiffLineKind.Added, _ => DiffLineKind.Context };
                lines.Add(new DiffLine(kind, raw[1..]));
            }
            k++;
        }
        return (lines, k);
    }

    private static bool IsBodyLine(ParseState state, int k)
    {
        if (state.Consumed[k]) return false;
        var raw = state.Lines[k];
        if (raw.Length == 0 || raw[0] is not (' ' or '-' or '+' or '\\')) return false;
        return !IsHeaderPair(state, k);
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..57] + "..." : s;

    [GeneratedRegex(@"^@@\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    [GeneratedRegex(@"^@@[\s.]*(@@.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberlessHeader();
}
