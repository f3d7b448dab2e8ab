namespace AutoResearch.Edits;

/// <summary>
/// Reads the edits out of a model's answer: aider-style search/replace blocks and unified diffs, in any mix, with prose and
/// markdown fences around them. Never throws on bad input: what it cannot read becomes a <see cref="ParsedEdits.Problems"/> entry.
/// </summary>
public static class EditParser
{
    /// <summary>Parses <paramref name="modelText"/>; edits are numbered in the order they appear.</summary>
    public static ParsedEdits Parse(string? modelText)
    {
        if (string.IsNullOrEmpty(modelText)) return ParsedEdits.Empty;
        var state = new ParseState(modelText);
        SearchReplaceParser.Parse(state);
        UnifiedDiffParser.Parse(state);
        return Finish(state);
    }

    /// <summary>Parses only unified diffs (search/replace markers are not looked for).</summary>
    internal static ParsedEdits ParseDiffOnly(string? diffText)
    {
        if (string.IsNullOrEmpty(diffText)) return ParsedEdits.Empty;
        var state = new ParseState(diffText);
        UnifiedDiffParser.Parse(state);
        return Finish(state);
    }

    private static ParsedEdits Finish(ParseState state)
    {
        var edits = state.Edits
            .OrderBy(e => e.Line)
            .Select((e, index) => e.Edit switch
            {
                SearchReplaceEdit block => (FileEdit)(block with { Number = index + 1 }),
                FilePatch patch => patch with { Number = index + 1 },
                var other => other,
            })
            .ToList();
        var problems = state.Problems.OrderBy(p => p.Line).Select(p => $"line {p.Line + 1}: {p.Problem}").ToList();
        return new ParsedEdits(edits, problems);
    }
}
