namespace AutoResearch.Edits;

/// <summary>One line of a hunk.</summary>
/// <param name="Kind">Context, removed or added.</param>
/// <param name="Text">The line without its prefix character and without the <c>\n</c>; may end in <c>\r</c> when the diff keeps exact line endings.</param>
/// <param name="NoNewline">True when the line was followed by <c>\ No newline at end of file</c>: it is the last line of its side and has no line break.</param>
public readonly record struct DiffLine(DiffLineKind Kind, string Text, bool NoNewline = false);
