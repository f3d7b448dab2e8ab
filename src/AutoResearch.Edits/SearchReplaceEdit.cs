using System.Text;

namespace AutoResearch.Edits;

/// <summary>
/// An aider-style block: replace the one place where <see cref="Search"/> occurs by <see cref="Replace"/>.
/// Both are whole lines, each ending in <c>\n</c> (empty for no lines). An empty <see cref="Search"/> replaces the whole file.
/// </summary>
/// <remarks>
/// Applying (see <see cref="EditApplier"/>): the SEARCH lines must equal consecutive file lines, compared without trailing
/// whitespace (spaces, tabs, <c>\r</c>), so CRLF against LF and stray trailing spaces do not matter; indentation and everything
/// else must be exact. They must match exactly one place; when several places match that way but exactly one matches byte for byte,
/// that one is taken. Replacement lines take the line ending (LF or CRLF) of the first line they replace; lines outside the match
/// are kept byte for byte; a file without a final line break keeps it that way. Several blocks on one file apply in order, each to
/// the result of the ones before.
/// </remarks>
public sealed record SearchReplaceEdit(int Number, string Path, string Search, string Replace) : FileEdit(Number, Path)
{
    /// <inheritdoc />
    public override int ContentBytes => Encoding.UTF8.GetByteCount(Search) + Encoding.UTF8.GetByteCount(Replace);
}
