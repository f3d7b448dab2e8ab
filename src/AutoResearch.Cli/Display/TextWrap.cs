using System.Text;

namespace AutoResearch.Cli.Display;

/// <summary>Word wrapping for plain console text.</summary>
public static class TextWrap
{
    /// <summary>
    /// Splits <paramref name="text"/> into lines of at most <paramref name="width"/> characters: existing line breaks are kept
    /// and lines break at spaces; a word longer than the width (a URL, a path) gets a line of its own, uncut. Control
    /// characters (terminal escapes included) are replaced so that text written by agents cannot drive the terminal; tabs
    /// become four spaces.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        width = Math.Max(width, 10);
        foreach (var paragraph in Printable(text).Split('\n'))
        {
            if (paragraph.Length <= width)
            {
                yield return paragraph.TrimEnd();
                continue;
            }

            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    yield return line.ToString().TrimEnd();
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            if (line.Length > 0) yield return line.ToString().TrimEnd();
        }
    }

    /// <summary>Line breaks normalized to <c>\n</c>, tabs expanded, other control characters shown as <c>�</c>.</summary>
    public static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') continue;
                builder.Append('\n');
            }
            else if (c == '\t') builder.Append("    ");
            else if (c == '\n' || !char.IsControl(c)) builder.Append(c);
            else builder.Append('\uFFFD');
        }
        return builder.ToString();
    }
}
