namespace AutoResearch.Edits;

/// <summary>What a line of a unified-diff hunk does.</summary>
public enum DiffLineKind
{
    /// <summary>Unchanged line (<c>' '</c>), present before and after.</summary>
    Context,

    /// <summary>Line only in the original (<c>'-'</c>).</summary>
    Removed,

    /// <summary>Line only in the result (<c>'+'</c>).</summary>
    Added,
}
