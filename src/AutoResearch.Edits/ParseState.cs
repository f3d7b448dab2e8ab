namespace AutoResearch.Edits;

/// <summary>A model's answer split into lines, with what the parsers found so far.</summary>
internal sealed class ParseState
{
    public ParseState(string text)
    {
        // Line endings: a text that is CRLF throughout had them added in transport, so they are dropped. A text that has carriage
        // returns only in some lines carries them as content (a diff of a CRLF file), so they are kept: see FilePatch.ExactLineEndings.
        var parts = text.Split('\n');
        var count = text.EndsWith('\n') ? parts.Length - 1 : parts.Length;
        var terminated = text.EndsWith('\n') ? count : count - 1;
        var uniformCrlf = terminated > 0 && parts.Take(terminated).All(p => p.EndsWith('\r'));
        ExactLineEndings = text.Contains('\r') && !uniformCrlf;
        Lines = parts.Take(count).Select(p => !ExactLineEndings && p.EndsWith('\r') ? p[..^1] : p).ToArray();
        Consumed = new bool[Lines.Count];
    }

    /// <summary>The lines, without <c>\n</c>; with their <c>\r</c> only when <see cref="ExactLineEndings"/>.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>True when carriage returns are content (see <see cref="FilePatch.ExactLineEndings"/>).</summary>
    public bool ExactLineEndings { get; }

    /// <summary>Lines that belong to a search/replace block; the diff parser skips them.</summary>
    public bool[] Consumed { get; }

    /// <summary>Edits found, with the 0-based line where each starts (numbered later, in line order).</summary>
    public List<(int Line, FileEdit Edit)> Edits { get; } = [];

    /// <summary>Malformed parts, with their 0-based line.</summary>
    public List<(int Line, string Problem)> Problems { get; } = [];

    /// <summary>A line without trailing whitespace (for recognising markers and headers).</summary>
    public string Trimmed(int index) => Lines[index].TrimEnd();

    public void Problem(int line, string message) => Problems.Add((line, message));
}
