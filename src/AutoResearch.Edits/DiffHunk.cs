using System.Globalization;

namespace AutoResearch.Edits;

/// <summary>
/// One <c>@@ -l,s +l,s @@</c> hunk. Line counts are derived from <see cref="Lines"/>; the counts written in the header are
/// not trusted (models often get them wrong), only the start lines are used, as a hint of where the hunk goes.
/// </summary>
/// <param name="OldStart">Start line in the original as written in the header (1-based; for a hunk with no original lines, the line after
/// which it inserts), or null when the header had no line numbers (<c>@@ @@</c>): the hunk must then match exactly one place.</param>
/// <param name="NewStart">Start line in the result as written in the header, or null; informational.</param>
/// <param name="Lines">Context, removed and added lines in order.</param>
public sealed record DiffHunk(int? OldStart, int? NewStart, IReadOnlyList<DiffLine> Lines)
{
    /// <summary>Number of original lines the hunk covers (context + removed).</summary>
    public int OldCount => Lines.Count(l => l.Kind != DiffLineKind.Added);

    /// <summary>Number of result lines the hunk produces (context + added).</summary>
    public int NewCount => Lines.Count(l => l.Kind != DiffLineKind.Removed);

    /// <summary>The header as a diff would write it, e.g. <c>@@ -3,4 +3,5 @@</c>.</summary>
    public string Header => OldStart is null
        ? "@@ @@"
        : string.Create(CultureInfo.InvariantCulture, $"@@ -{Range(OldStart.Value, OldCount)} +{Range(NewStart ?? OldStart.Value, NewCount)} @@");

    private static string Range(int start, int count) =>
        count == 1 ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start},{count}");
}
