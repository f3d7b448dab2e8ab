using System.Text;

namespace AutoResearch.Reports;

/// <summary>Escaping for text placed into Markdown.</summary>
internal static class MarkdownText
{
    private const string Special = "\\`*_[]<>|#!~";

    /// <summary>Inline text on one line with Markdown and HTML meaning removed (safe in table cells).</summary>
    public static string Inline(string? text, int max = int.MaxValue)
    {
        var line = ReportFormat.OneLine(text, max);
        var sb = new StringBuilder(line.Length + 8);
        foreach (var c in line)
        {
            if (Special.Contains(c))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>A code span that survives backticks and pipes in <paramref name="text"/>.</summary>
    public static string Code(string text)
    {
        var line = ReportFormat.OneLine(text, 200).Replace("|", "\\|", StringComparison.Ordinal);
        var fence = new string('`', LongestRun(line, '`') + 1);
        var pad = line.StartsWith('`') || line.EndsWith('`') ? " " : "";
        return fence + pad + line + pad + fence;
    }

    /// <summary>A fenced code block for multi-line text.</summary>
    public static string Fenced(string text, string language = "text")
    {
        var fence = new string('`', Math.Max(3, LongestRun(text, '`') + 1));
        return $"{fence}{language}\n{text.TrimEnd('\n', '\r')}\n{fence}";
    }

    /// <summary>Agent-written Markdown as a blockquote, with raw HTML and images neutralised (links stay clickable text).</summary>
    public static string Quote(string text)
    {
        var safe = text
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("![", "!\\[", StringComparison.Ordinal);
        var lines = safe.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Join("\n", lines.Select(l => l.Length == 0 ? ">" : "> " + l));
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, current = 0;
        foreach (var ch in text)
        {
            current = ch == c ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }
}
