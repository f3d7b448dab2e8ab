using System.Globalization;

namespace AutoResearch.Edits;

/// <summary>Lines added and removed in one file (a changed line counts as one removed and one added, as in <c>git diff --stat</c>).</summary>
/// <param name="Path">The file.</param>
/// <param name="Added">Lines only in the new content.</param>
/// <param name="Removed">Lines only in the old content.</param>
public sealed record DiffStats(string Path, int Added, int Removed)
{
    /// <summary>Per changed file, in ordinal path order (same file rules as <see cref="UnifiedDiff.Create(IReadOnlyDictionary{string, string}, IReadOnlyDictionary{string, string})"/>).</summary>
    public static IReadOnlyList<DiffStats> Compute(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var stats = new List<DiffStats>();
        foreach (var path in after.Keys.Order(StringComparer.Ordinal))
        {
            var old = before.TryGetValue(path, out var o) ? o : "";
            if (string.Equals(old, after[path], StringComparison.Ordinal)) continue;
            var diff = LineDiff.Compute(TextLines.Split(old), TextLines.Split(after[path]));
            stats.Add(new DiffStats(path, diff.Added.Count(x => x), diff.Removed.Count(x => x)));
        }
        return stats;
    }

    /// <summary>Per file patch of a diff text, counted from its hunks, in the order they appear (a file patched twice appears twice).</summary>
    public static IReadOnlyList<DiffStats> FromDiff(string? diffText) =>
        UnifiedDiff.Parse(diffText).Patches
            .Select(p => new DiffStats(
                p.Path,
                p.Hunks.Sum(h => h.Lines.Count(l => l.Kind == DiffLineKind.Added)),
                p.Hunks.Sum(h => h.Lines.Count(l => l.Kind == DiffLineKind.Removed))))
            .ToList();

    /// <summary>One line for a list, e.g. <c>kernel.c +3 -1, util.h +0 -2</c>; <c>no changes</c> when empty.</summary>
    public static string Summarize(IEnumerable<DiffStats> stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var parts = stats.Select(s => s.ToString()).ToList();
        return parts.Count == 0 ? "no changes" : string.Join(", ", parts);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Path} +{Added} -{Removed}");
}
