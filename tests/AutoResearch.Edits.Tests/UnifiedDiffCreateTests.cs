namespace AutoResearch.Edits.Tests;

public sealed class UnifiedDiffCreateTests
{
    [Fact]
    public void A_changed_line_is_written_with_three_lines_of_context()
    {
        var diff = UnifiedDiff.Create("f.c", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n");

        Assert.Equal("--- a/f.c\n+++ b/f.c\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n", diff);
    }

    [Fact]
    public void Changes_far_apart_get_separate_hunks_and_close_ones_share_one()
    {
        var before = string.Concat(Enumerable.Range(1, 30).Select(i => $"{i}\n"));
        var far = before.Replace("\n2\n", "\ntwo\n", StringComparison.Ordinal).Replace("\n20\n", "\ntwenty\n", StringComparison.Ordinal);
        var near = before.Replace("\n2\n", "\ntwo\n", StringComparison.Ordinal).Replace("\n9\n", "\nnine\n", StringComparison.Ordinal);

        var farDiff = UnifiedDiff.Create("f", before, far);
        var nearDiff = UnifiedDiff.Create("f", before, near);

        Assert.Equal(["@@ -1,5 +1,5 @@", "@@ -17,7 +17,7 @@"], farDiff.Split('\n').Where(l => l.StartsWith("@@", StringComparison.Ordinal)));
        // 6 unchanged lines between the changes (3..8): the contexts touch, one hunk.
        Assert.Equal(["@@ -1,12 +1,12 @@"], nearDiff.Split('\n').Where(l => l.StartsWith("@@", StringComparison.Ordinal)));
    }

    [Fact]
    public void Missing_final_line_breaks_are_marked()
    {
        Assert.Equal("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n", UnifiedDiff.Create("f", "a", "b"));
        Assert.Equal("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n", UnifiedDiff.Create("f", "a\n", "a"));
    }

    [Fact]
    public void Empty_sides_use_a_zero_count_and_the_line_before()
    {
        Assert.Equal("--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n", UnifiedDiff.Create("f", "", "a\nb\n"));
        Assert.Equal("--- a/f\n+++ b/f\n@@ -1,2 +0,0 @@\n-a\n-b\n", UnifiedDiff.Create("f", "a\nb\n", ""));
        Assert.Equal("--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+x\n b\n", UnifiedDiff.Create("f", "a\nb\n", "a\nx\nb\n"));
    }

    [Fact]
    public void Unchanged_files_produce_nothing_and_files_are_in_path_order()
    {
        var before = Fixture.Files(("z.c", "z\n"), ("a.c", "a\n"), ("same.c", "s\n"));
        var after = Fixture.Files(("z.c", "Z\n"), ("a.c", "A\n"), ("same.c", "s\n"), ("new.c", "n\n"));

        var diff = UnifiedDiff.Create(before, after);

        Assert.Equal(["--- a/a.c", "--- /dev/null", "--- a/z.c"], diff.Split('\n').Where(l => l.StartsWith("--- ", StringComparison.Ordinal)));
        Assert.DoesNotContain("same.c", diff);
        Assert.Equal("", UnifiedDiff.Create("f", "x\n", "x\n"));
        Assert.Equal("", UnifiedDiff.Create(before, before));
    }

    [Fact]
    public void Crlf_lines_are_written_with_their_carriage_returns_and_read_back_exactly()
    {
        const string before = "a\r\nb\r\nc\r\n";
        const string after = "a\r\nB\nc\r\n";

        var diff = UnifiedDiff.Create("f", before, after);
        var patch = Assert.Single(UnifiedDiff.Parse(diff).Patches);

        Assert.Contains("-b\r\n+B\n", diff);
        Assert.True(patch.ExactLineEndings);
        Assert.True(UnifiedDiff.TryApply(before, patch, out var result, out _));
        Assert.Equal(after, result);
    }

    [Fact]
    public void Diff_stats_count_added_and_removed_lines_per_file()
    {
        var before = Fixture.Files(("a.c", "1\n2\n3\n"), ("b.c", "x\ny\n"), ("c.c", "same\n"));
        var after = Fixture.Files(("a.c", "1\ntwo\n3\n4\n"), ("b.c", "y\n"), ("c.c", "same\n"));

        var stats = DiffStats.Compute(before, after);
        var fromDiff = DiffStats.FromDiff(UnifiedDiff.Create(before, after));

        Assert.Equal([new DiffStats("a.c", 2, 1), new DiffStats("b.c", 0, 1)], stats);
        Assert.Equal(stats, fromDiff);
        Assert.Equal("a.c +2 -1, b.c +0 -1", DiffStats.Summarize(stats));
        Assert.Equal("no changes", DiffStats.Summarize([]));
    }
}
