using Markdig;
using Markdig.Syntax;
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

    /// <summary>
    /// Agent- or person-written Markdown as a blockquote, with raw HTML and images neutralised. Web links stay clickable
    /// text; when any link would lead anywhere but http(s) or mailto (<c>javascript:</c>, <c>data:</c>, however it is
    /// spelled or escaped), no bracket of the text keeps its Markdown meaning, so no link is left at all.
    /// </summary>
    public static string Quote(string text)
    {
        var safe = text
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("![", "!\\[", StringComparison.Ordinal);
        if (HasUnsafeLink(safe))
        {
            safe = safe.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);
        }

        var lines = safe.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return string.Join("\n", lines.Select(l => l.Length == 0 ? ">" : "> " + l));
    }

    private static readonly Markdig.MarkdownPipeline LinkPipeline = new Markdig.MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>Whether <paramref name="markdown"/> holds a link (inline, reference or autolink) to other than http(s), mailto or a relative address.</summary>
    internal static bool HasUnsafeLink(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, LinkPipeline);
        return document.Descendants<Markdig.Syntax.Inlines.LinkInline>().Any(l => !IsSafeUrl(l.Url))
            || document.Descendants<Markdig.Syntax.Inlines.AutolinkInline>().Any(l => !IsSafeUrl(l.Url))
            || document.Descendants<Markdig.Syntax.LinkReferenceDefinition>().Any(d => !IsSafeUrl(d.Url));
    }

    /// <summary>http, https and mailto addresses, and relative ones; browsers drop whitespace and control characters from a scheme, so this does too.</summary>
    internal static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return true;
        }

        var compact = new string(url.Where(c => c > ' ' && !char.IsControl(c)).ToArray()).ToLowerInvariant();
        var colon = compact.IndexOf(':', StringComparison.Ordinal);
        var end = compact.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (end >= 0 && end < colon))
        {
            return true;
        }

        return compact[..colon] is "http" or "https" or "mailto";
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
