namespace AutoResearch.Edits.Tests;

public sealed class UnifiedDiffApplyTests
{
    private static readonly Dictionary<string, string> Numbers =
        Fixture.Files(("kernel.c", string.Concat(Enumerable.Range(1, 20).Select(i => $"line {i}\n"))));

    [Fact]
    public void A_fenced_diff_with_prose_applies()
    {
        const string answer = """
            The accumulator can overflow, so widen it:

            ```diff
            --- a/kernel.c
            +++ b/kernel.c
            @@ -3,4 +3,4 @@
             int sum(const int *x, int n) {
            -    int s = 0;
            +    long s = 0;
                 for (int i = 0; i < n; i++) {
                     s += x[i];
            ```

            That is all.
            """;

        var outcome = Fixture.Apply(answer);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(Fixture.Kernel.Replace("int s = 0;", "long s = 0;", StringComparison.Ordinal), outcome.Files["kernel.c"]);
        Assert.Equal(["kernel.c"], outcome.ChangedFiles);
    }

    [Fact]
    public void A_hunk_is_found_at_an_offset_and_the_next_hunk_follows_the_offset()
    {
        // Both hunks claim lines 10 lower than they are.
        const string diff = "--- a/kernel.c\n+++ b/kernel.c\n@@ -12,3 +12,3 @@\n line 2\n-line 3\n+LINE 3\n line 4\n@@ -18,3 +18,3 @@\n line 8\n-line 9\n+LINE 9\n line 10\n";

        var outcome = Fixture.Apply(diff, Numbers);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        var lines = outcome.Files["kernel.c"].Split('\n');
        Assert.Equal("LINE 3", lines[2]);
        Assert.Equal("LINE 9", lines[8]);
        Assert.Equal(21, lines.Length);
    }

    [Fact]
    public void The_nearest_match_to_the_stated_line_wins()
    {
        var originals = Fixture.Files(("kernel.c", "x\ny\nx\ny\nx\ny\n"));

        var outcome = Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ -4,2 +4,2 @@\n-x\n+X\n y\n", originals);

        // Stated start 4 ("y"); the "x" at line 3 and at line 5 are both one away: the one above wins.
        Assert.Equal("x\ny\nX\ny\nx\ny\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void Mismatching_context_is_refused_naming_file_hunk_and_first_differing_line()
    {
        const string diff = "--- a/kernel.c\n+++ b/kernel.c\n@@ -1,3 +1,3 @@\n line 1\n-line 2\n+LINE 2\n line 3\n@@ -5,3 +5,3 @@\n line 5\n-line six\n+LINE 6\n line 7\n";

        var problem = Fixture.Single(Fixture.Apply(diff, Numbers));

        Assert.Equal(
            "edit 1 (kernel.c): hunk 2 (@@ -5,3 +5,3 @@): line 6 of the file is \"line 6\" but the hunk expects removed line \"line six\"; it matches nowhere else in the file either",
            problem);
    }

    [Fact]
    public void Context_is_never_dropped_to_make_a_hunk_fit()
    {
        // Removed and added lines would fit at line 2; the last context line does not.
        const string diff = "--- a/kernel.c\n+++ b/kernel.c\n@@ -1,3 +1,3 @@\n line 1\n-line 2\n+LINE 2\n line 33\n";

        var outcome = Fixture.Apply(diff, Numbers);

        Assert.False(outcome.Succeeded);
        Assert.Contains("line 3 of the file is \"line 3\" but the hunk expects context line \"line 33\"", Fixture.Single(outcome));
    }

    [Fact]
    public void Hunks_apply_in_order_and_never_before_the_previous_hunk()
    {
        // The second hunk's context is before the first hunk: out of order, so it is refused.
        const string diff = "--- a/kernel.c\n+++ b/kernel.c\n@@ -10,1 +10,1 @@\n-line 10\n+LINE 10\n@@ -2,1 +2,1 @@\n-line 2\n+LINE 2\n";

        var problem = Fixture.Single(Fixture.Apply(diff, Numbers));

        Assert.StartsWith("edit 1 (kernel.c): hunk 2 (@@ -2 +2 @@): it says line 2, which is inside or before hunk 1;", problem);
    }

    [Fact]
    public void A_hunk_past_the_end_of_the_file_says_how_long_the_file_is()
    {
        var problem = Fixture.Single(Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ -40,2 +40,2 @@\n line 40\n-line 41\n+LINE 41\n", Numbers));

        Assert.Contains("it says line 40, but the file has only 20 lines at that point;", problem);
    }

    [Fact]
    public void A_hunk_without_line_numbers_applies_where_its_context_matches_once()
    {
        var outcome = Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ @@\n line 7\n-line 8\n+line 8 changed\n", Numbers);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Contains("line 7\nline 8 changed\nline 9\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void A_hunk_without_line_numbers_that_matches_twice_is_refused()
    {
        var originals = Fixture.Files(("kernel.c", "a\nb\na\nb\n"));

        var problem = Fixture.Single(Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ @@\n a\n-b\n+c\n", originals));

        Assert.Contains("matches 2 places", problem);
    }

    [Fact]
    public void A_crlf_answer_applies_to_an_lf_file_and_a_diff_applies_to_a_crlf_file()
    {
        var toLf = Fixture.Apply("--- a/kernel.c\r\n+++ b/kernel.c\r\n@@ -2 +2 @@\r\n-line 2\r\n+LINE 2\r\n", Numbers);
        var crlf = Fixture.Files(("kernel.c", "a\r\nb\r\nc\r\n"));
        var toCrlf = Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ -1,3 +1,4 @@\n a\n-b\n+b1\n+b2\n c\n", crlf);

        Assert.StartsWith("line 1\nLINE 2\nline 3\n", toLf.Files["kernel.c"]);
        Assert.Equal("a\r\nb1\r\nb2\r\nc\r\n", toCrlf.Files["kernel.c"]);
    }

    [Fact]
    public void No_newline_markers_add_and_remove_the_final_line_break()
    {
        var withBreak = Fixture.Files(("kernel.c", "a\nb\n"));
        var withoutBreak = Fixture.Files(("kernel.c", "a\nb"));

        var removed = Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ -2 +2 @@\n-b\n+b\n\\ No newline at end of file\n", withBreak);
        var added = Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ -2 +2 @@\n-b\n\\ No newline at end of file\n+b\n", withoutBreak);

        Assert.Equal("a\nb", removed.Files["kernel.c"]);
        Assert.Equal("a\nb\n", added.Files["kernel.c"]);
    }

    [Fact]
    public void Lines_appended_after_a_last_line_without_a_break_get_one()
    {
        var outcome = Fixture.Apply("--- a/kernel.c\n+++ b/kernel.c\n@@ -1,2 +1,3 @@\n a\n b\n+c\n", Fixture.Files(("kernel.c", "a\nb")));

        Assert.Equal("a\nb\nc\n", outcome.Files["kernel.c"]);
    }

    [Theory]
    [InlineData("--- /dev/null\n+++ b/kernel.c\n@@ -0,0 +1 @@\n+x\n", "creates a new file 'kernel.c'")]
    [InlineData("--- a/kernel.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-line 1\n", "deletes 'kernel.c'; deleting files is not allowed")]
    [InlineData("--- a/kernel.c\n+++ b/kernel2.c\n@@ -1 +1 @@\n-line 1\n+x\n", "renames 'kernel.c' to 'kernel2.c'; renaming is not allowed")]
    public void Diffs_may_not_create_delete_or_rename_files(string diff, string expected)
    {
        Assert.Contains(expected, Fixture.Single(Fixture.Apply(diff, Numbers, ["kernel.c", "kernel2.c"])));
    }

    [Fact]
    public void A_search_replace_block_and_a_diff_on_the_same_file_apply_in_answer_order()
    {
        var answer = "kernel.c\n<<<<<<< SEARCH\nline 5\n=======\nfive\n>>>>>>> REPLACE\n\n--- a/kernel.c\n+++ b/kernel.c\n@@ -4,3 +4,3 @@\n line 4\n-five\n+FIVE\n line 6\n";

        var outcome = Fixture.Apply(answer, Numbers);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Contains("line 4\nFIVE\nline 6\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void A_stored_diff_reapplies_to_any_file_of_the_set_without_limits()
    {
        var before = Fixture.Benchmark();
        var after = new Dictionary<string, string>(before) { ["harness.c"] = "int main(void) { return 1; }\n" };
        var diff = UnifiedDiff.Create(before, after);

        var outcome = UnifiedDiff.Apply(before, diff);
        var nothing = UnifiedDiff.Apply(before, "");

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(after, outcome.Files);
        Assert.True(nothing.Succeeded);
        Assert.Empty(nothing.ChangedFiles);
    }

    [Fact]
    public void TryApply_reports_a_mismatch_and_returns_the_original()
    {
        var patch = Assert.Single(UnifiedDiff.Parse("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-z\n+y\n").Patches);

        var ok = UnifiedDiff.TryApply("a\n", patch, out var result, out var problem);

        Assert.False(ok);
        Assert.Equal("a\n", result);
        Assert.Contains("hunk 1", problem);
    }
}
