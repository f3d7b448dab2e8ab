namespace AutoResearch.Edits;

/// <summary>What <see cref="EditParser.Parse"/> found in a model's answer.</summary>
/// <param name="Edits">Edits in the order they appear, search/replace blocks and diff patches together; numbered 1, 2, … in that order.</param>
/// <param name="Problems">Malformed parts (a block without its <c>=======</c>, a hunk without a file header, …), each naming its line.
/// Applying fails while there are any, so a half-understood answer never changes a file.</param>
public sealed record ParsedEdits(IReadOnlyList<FileEdit> Edits, IReadOnlyList<string> Problems)
{
    /// <summary>Nothing found.</summary>
    public static ParsedEdits Empty { get; } = new([], []);

    /// <summary>True when neither an edit nor a problem was found (the answer held no edit at all).</summary>
    public bool IsEmpty => Edits.Count == 0 && Problems.Count == 0;

    /// <summary>The search/replace blocks among <see cref="Edits"/>.</summary>
    public IEnumerable<SearchReplaceEdit> Blocks => Edits.OfType<SearchReplaceEdit>();

    /// <summary>The unified-diff file patches among <see cref="Edits"/>.</summary>
    public IEnumerable<FilePatch> Patches => Edits.OfType<FilePatch>();
}
