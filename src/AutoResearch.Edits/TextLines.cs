namespace AutoResearch.Edits;

/// <summary>
/// File content as lines that keep their own terminator (<c>"x\n"</c>, <c>"x\r\n"</c>, or a last <c>"x"</c> without one), so that
/// lines an edit does not touch come back byte for byte.
/// </summary>
internal static class TextLines
{
    /// <summary>Splits after every <c>\n</c>; the empty string has no lines.</summary>
    public static List<string> Split(string content)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < content.Length)
        {
            var nl = content.IndexOf('\n', start);
            if (nl < 0)
            {
                lines.Add(content[start..]);
                break;
            }
            lines.Add(content[start..(nl + 1)]);
            start = nl + 1;
        }
        return lines;
    }

    /// <summary>Lines of an edit's text (<c>"a\nb\n"</c> → a, b): no terminators, carriage returns kept.</summary>
    public static List<string> SplitBodies(string text)
    {
        if (text.Length == 0) return [];
        var parts = text.Split('\n').ToList();
        if (text.EndsWith('\n')) parts.RemoveAt(parts.Count - 1);
        return parts;
    }

    /// <summary>The line without its <c>\n</c> (a <c>\r</c> before it stays).</summary>
    public static string Body(string line) => line.EndsWith('\n') ? line[..^1] : line;

    /// <summary>True when the line ends in <c>\n</c>.</summary>
    public static bool Terminated(string line) => line.EndsWith('\n');

    /// <summary>True when the line's body ends in <c>\r</c> (a CRLF line).</summary>
    public static bool IsCrlf(string line) => Body(line).EndsWith('\r');

    /// <summary>What two lines are compared by: the text without trailing whitespace (this drops <c>\r</c> and <c>\n</c> too).</summary>
    public static string Key(string line) => line.TrimEnd();

    /// <summary>Text of a new line in the style of <paramref name="neighbour"/>: CRLF when the neighbour is a CRLF line.</summary>
    public static string Terminate(string body, string? neighbour) =>
        neighbour is not null && IsCrlf(neighbour) && !body.EndsWith('\r') ? body + "\r\n" : body + "\n";

    /// <summary>Gives every line but the last a terminator (an edit may have put lines after a last line that had none).</summary>
    public static void EnsureTerminators(List<string> lines)
    {
        for (var i = 0; i < lines.Count - 1; i++)
        {
            if (Terminated(lines[i])) continue;
            var neighbour = i > 0 ? lines[i - 1] : lines[i + 1];
            lines[i] = Terminate(lines[i], neighbour);
        }
    }

    /// <summary>A line quoted for a message: without terminator, cut at 80 characters.</summary>
    public static string Quote(string line)
    {
        var body = Body(line).TrimEnd('\r');
        if (body.Length > 80) body = body[..77] + "...";
        return "\"" + body + "\"";
    }
}
