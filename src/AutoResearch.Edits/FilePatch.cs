using System.Text;

namespace AutoResearch.Edits;

/// <summary>The hunks of a unified diff for one file (<c>--- a/path</c>, <c>+++ b/path</c>, hunks).</summary>
/// <param name="Number">1-based position of the edit in the model's answer.</param>
/// <param name="Path">The file the patch changes: <paramref name="NewPath"/>, or <paramref name="OldPath"/> when the new side is <c>/dev/null</c>.</param>
/// <param name="OldPath">The <c>---</c> path without its <c>a/</c> prefix, or null for <c>/dev/null</c> (a new file).</param>
/// <param name="NewPath">The <c>+++</c> path without its <c>b/</c> prefix, or null for <c>/dev/null</c> (a deleted file).</param>
/// <param name="Hunks">Hunks in order.</param>
/// <param name="ExactLineEndings">True when the diff text carried carriage returns inside its lines (a diff written by
/// <see cref="UnifiedDiff.Create(string, string, string)"/> from CRLF content): added lines then keep exactly the line endings written.
/// False for plain LF (or uniformly CRLF) text: added lines take the line ending of the file lines around them.</param>
/// <remarks>
/// Applying (see <see cref="EditApplier"/>, <see cref="UnifiedDiff.TryApply"/>): hunks apply in order. Every context and removed line
/// must match the file, compared without trailing whitespace (spaces, tabs, <c>\r</c>); context is never dropped to make a hunk fit.
/// A hunk is looked for first where its header says (shifted by the lines earlier hunks added or removed and by the offset at which
/// the previous hunk was found), then ever further away, nearest first (above before below on a tie), never before the end of the
/// previous hunk; a hunk whose header has no line numbers must match exactly one place. Header line counts are not trusted: the lines
/// decide. Context lines keep the file's bytes; a <c>\ No newline at end of file</c> marker after an added line leaves it without a
/// line break; a last line that ends up followed by other lines gets one.
/// </remarks>
public sealed record FilePatch(int Number, string Path, string? OldPath, string? NewPath, IReadOnlyList<DiffHunk> Hunks, bool ExactLineEndings = false)
    : FileEdit(Number, Path)
{
    /// <inheritdoc />
    public override int ContentBytes => Hunks.Sum(h => h.Lines.Sum(l => Encoding.UTF8.GetByteCount(l.Text) + 1));
}
