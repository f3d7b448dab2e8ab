namespace AutoResearch.Edits.Tests;

public sealed class UnifiedDiffParsingTests
{
    [Fact]
    public void A_git_style_diff_gives_paths_start_lines_and_typed_lines()
    {
        const string diff = """
            diff --git a/kernel.c b/kernel.c
            index 83db48f..bf269f4 100644
            --- a/kernel.c
            +++ b/kernel.c
            @@ -3,3 +3,4 @@ int sum(const int *x, int n) {
             int sum(const int *x, int n) {
            -    int s = 0;
            +    long s = 0;
            +    /* widened */
                 for (int i = 0; i < n; i++) {
            """;

        var parsed = EditParser.Parse(diff);

        Assert.Empty(parsed.Problems);
        var patch = Assert.Single(parsed.Patches);
        Assert.Equal(("kernel.c", "kernel.c", "kernel.c"), (patch.Path, patch.OldPath, patch.NewPath));
        var hunk = Assert.Single(patch.Hunks);
        Assert.Equal(3, hunk.OldStart);
        Assert.Equal(3, hunk.NewStart);
        Assert.Equal(
            [DiffLineKind.Context, DiffLineKind.Removed, DiffLineKind.Added, DiffLineKind.Added, DiffLineKind.Context],
            hunk.Lines.Select(l => l.Kind));
        Assert.Equal("    long s = 0;", hunk.Lines[2].Text);
        Assert.Equal((3, 4), (hunk.OldCount, hunk.NewCount));
        Assert.Equal("@@ -3,3 +3,4 @@", hunk.Header);
    }

    [Fact]
    public void Paths_without_prefixes_timestamps_and_missing_counts_are_understood()
    {
        var parsed = EditParser.Parse("--- kernel.c\t2024-05-01 10:00:00\n+++ kernel.c\t2024-05-01 10:01:00\n@@ -4 +4 @@\n-    int s = 0;\n+    long s = 0;\n");

        var patch = Assert.Single(parsed.Patches);
        Assert.Equal("kernel.c", patch.Path);
        var hunk = Assert.Single(patch.Hunks);
        Assert.Equal(4, hunk.OldStart);
        Assert.Equal(2, hunk.Lines.Count);
    }

    [Fact]
    public void Hunk_lines_that_look_like_headers_are_read_by_the_counts()
    {
        // A removed line "-- a/x" is written "--- a/x"; the counts say it belongs to the hunk.
        var parsed = UnifiedDiff.Parse("--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n--- a/x\n+++ b/y\n select 1;\n");

        var hunk = Assert.Single(Assert.Single(parsed.Patches).Hunks);
        Assert.Equal([(DiffLineKind.Removed, "-- a/x"), (DiffLineKind.Added, "++ b/y"), (DiffLineKind.Context, "select 1;")], hunk.Lines.Select(l => (l.Kind, l.Text)));
    }

    [Fact]
    public void Wrong_counts_fall_back_to_reading_the_lines()
    {
        var parsed = EditParser.Parse("--- a/kernel.c\n+++ b/kernel.c\n@@ -4,1 +4,1 @@\n     int s = 0;\n-    for (int i = 0; i < n; i++) {\n+    for (int i = n - 1; i >= 0; i--) {\n\nThat reverses the loop.\n");

        var hunk = Assert.Single(Assert.Single(parsed.Patches).Hunks);
        Assert.Equal(3, hunk.Lines.Count);
        Assert.Equal(DiffLineKind.Added, hunk.Lines[^1].Kind);
    }

    [Fact]
    public void An_empty_line_inside_a_hunk_is_an_empty_context_line_but_one_after_it_ends_the_hunk()
    {
        var parsed = EditParser.Parse("```diff\n--- a/kernel.c\n+++ b/kernel.c\n@@ -1,2 +1,2 @@\n #include <stdio.h>\n\n-int sum(const int *x, int n) {\n+int sum(const int *restrict x, int n) {\n\n```\n");

        var hunk = Assert.Single(Assert.Single(parsed.Patches).Hunks);
        Assert.Equal(["#include <stdio.h>", "", "int sum(const int *x, int n) {", "int sum(const int *restrict x, int n) {"], hunk.Lines.Select(l => l.Text));
        Assert.Equal(DiffLineKind.Context, hunk.Lines[1].Kind);
    }

    [Fact]
    public void No_newline_markers_attach_to_the_line_before_them()
    {
        var parsed = UnifiedDiff.Parse("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n");

        var lines = Assert.Single(Assert.Single(parsed.Patches).Hunks).Lines;
        Assert.True(lines[0].NoNewline);
        Assert.False(lines[1].NoNewline);
    }

    [Fact]
    public void A_hunk_without_a_file_header_is_a_problem()
    {
        var parsed = EditParser.Parse("Change this:\n@@ -4 +4 @@\n-    int s = 0;\n+    long s = 0;\n");

        Assert.Empty(parsed.Edits);
        Assert.Equal("line 2: hunk has no '--- a/<file>' and '+++ b/<file>' header before it", Assert.Single(parsed.Problems));
    }

    [Fact]
    public void A_malformed_hunk_header_drops_its_patch_and_is_a_problem()
    {
        var parsed = EditParser.Parse("--- a/kernel.c\n+++ b/kernel.c\n@@ -x +y @@\n-a\n+b\n");

        Assert.Empty(parsed.Edits);
        Assert.Contains("malformed hunk header '@@ -x +y @@'", Assert.Single(parsed.Problems));
    }

    [Fact]
    public void A_header_without_hunks_is_a_problem()
    {
        var parsed = EditParser.Parse("--- a/kernel.c\n+++ b/kernel.c\nI changed the loop.\n");

        Assert.Equal("line 1: the diff header for 'kernel.c' has no hunks", Assert.Single(parsed.Problems));
    }

    [Fact]
    public void Both_formats_in_one_answer_are_kept_in_order()
    {
        var parsed = EditParser.Parse("util.h\n<<<<<<< SEARCH\n#pragma once\n=======\n#pragma once\n#define N 8\n>>>>>>> REPLACE\n\nand\n\n```diff\n--- a/kernel.c\n+++ b/kernel.c\n@@ -4 +4 @@\n-    int s = 0;\n+    long s = 0;\n```\n");

        Assert.Empty(parsed.Problems);
        Assert.IsType<SearchReplaceEdit>(parsed.Edits[0]);
        Assert.IsType<FilePatch>(parsed.Edits[1]);
        Assert.Equal([1, 2], parsed.Edits.Select(e => e.Number));
    }

    [Fact]
    public void Diff_like_lines_inside_a_search_replace_block_are_not_read_as_a_diff()
    {
        var parsed = EditParser.Parse("notes.md\n<<<<<<< SEARCH\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n=======\nnothing\n>>>>>>> REPLACE\n");

        Assert.Empty(parsed.Problems);
        Assert.IsType<SearchReplaceEdit>(Assert.Single(parsed.Edits));
    }
}
