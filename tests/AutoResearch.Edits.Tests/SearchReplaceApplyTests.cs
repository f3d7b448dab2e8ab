namespace AutoResearch.Edits.Tests;

public sealed class SearchReplaceApplyTests
{
    private static string Block(string path, string search, string replace) =>
        $"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n";

    [Fact]
    public void A_block_replaces_its_text_and_leaves_the_rest_byte_for_byte()
    {
        var outcome = Fixture.Apply(Block("kernel.c", "    int s = 0;\n", "    long s = 0;\n"));

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(Fixture.Kernel.Replace("    int s = 0;", "    long s = 0;", StringComparison.Ordinal), outcome.Files["kernel.c"]);
        Assert.Equal(["kernel.c"], outcome.ChangedFiles);
        Assert.Equal(Fixture.Harness, outcome.Files["harness.c"]);
        Assert.Equal(3, outcome.Files.Count);
    }

    [Fact]
    public void Blocks_on_one_file_apply_in_order_each_to_the_result_of_the_one_before()
    {
        // The second block searches for text only the first block wrote.
        var answer = Block("kernel.c", "    int s = 0;\n", "    long s = 0;\n") + Block("kernel.c", "    long s = 0;\n", "    long long s = 0;\n");

        var outcome = Fixture.Apply(answer);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Contains("    long long s = 0;\n", outcome.Files["kernel.c"]);
        Assert.DoesNotContain("int s = 0;", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void Blocks_on_several_files_all_apply()
    {
        var answer = Block("kernel.c", "    return s;\n", "    return s + 0;\n") + "\n" + Block("util.h", "#pragma once\n", "#pragma once\n#define N 8\n");

        var outcome = Fixture.Apply(answer, editable: ["kernel.c", "util.h"]);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(["kernel.c", "util.h"], outcome.ChangedFiles);
        Assert.Equal("#pragma once\n#define N 8\n", outcome.Files["util.h"]);
        Assert.Contains("return s + 0;", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void A_fenced_answer_with_prose_around_applies()
    {
        const string answer = """
            The loop is fine, but the accumulator overflows. Here is the fix:

            ```c
            kernel.c
            <<<<<<< SEARCH
                int s = 0;
            =======
                long s = 0;
            >>>>>>> REPLACE
            ```

            Let me know how it performs!
            """;

        var outcome = Fixture.Apply(answer);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Contains("    long s = 0;\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void Search_text_found_twice_is_refused_with_both_places()
    {
        var originals = Fixture.Files(("kernel.c", "x++;\ny++;\nx++;\n"));

        var problem = Fixture.Single(Fixture.Apply(Block("kernel.c", "x++;\n", "x += 2;\n"), originals));

        Assert.Equal("edit 1 (kernel.c): the SEARCH text matches 2 places (starting at lines 1, 3); include more surrounding lines so that it matches exactly one", problem);
    }

    [Fact]
    public void Missing_search_text_names_the_closest_place_and_the_first_differing_line()
    {
        var outcome = Fixture.Apply(Block("kernel.c", "    for (int i = 0; i < n; i++) {\n        s += x[i] * 2;\n    }\n", "\n"));

        var problem = Fixture.Single(outcome);
        Assert.StartsWith("edit 1 (kernel.c): the SEARCH text was not found; the closest place starts at line 5 (2 of 3 lines equal)", problem);
        Assert.Contains("SEARCH line 2 \"        s += x[i] * 2;\" differs from file line 6 \"        s += x[i];\"", problem);
        Assert.Empty(outcome.Files);
    }

    [Fact]
    public void Missing_search_text_with_no_equal_line_names_the_most_similar_line_and_indentation()
    {
        var problem = Fixture.Single(Fixture.Apply(Block("kernel.c", "int s = 0;\n", "int s = 1;\n")));

        Assert.Contains("no file line equals SEARCH line 1 \"int s = 0;\"; the closest is line 4 \"    int s = 0;\" (they differ only in indentation)", problem);
    }

    [Fact]
    public void Trailing_whitespace_and_line_endings_in_search_text_are_tolerated()
    {
        var originals = Fixture.Files(("kernel.c", "a = 1;   \nb = 2;\t\nc = 3;\n"));

        var outcome = Fixture.Apply(Block("kernel.c", "a = 1;\nb = 2;  \n", "a = 10;\nb = 20;\n").Replace("\n", "\r\n", StringComparison.Ordinal), originals);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("a = 10;\nb = 20;\nc = 3;\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void Leading_whitespace_is_not_tolerated()
    {
        var originals = Fixture.Files(("kernel.c", "    a = 1;\n"));

        Assert.False(Fixture.Apply(Block("kernel.c", "  a = 1;\n", "  a = 2;\n"), originals).Succeeded);
    }

    [Fact]
    public void A_crlf_file_keeps_crlf_in_replaced_lines_and_everywhere_else()
    {
        var originals = Fixture.Files(("kernel.c", "int a;\r\nint b;\r\nint c;\r\n"));

        var outcome = Fixture.Apply(Block("kernel.c", "int b;\n", "int b1;\nint b2;\n"), originals);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("int a;\r\nint b1;\r\nint b2;\r\nint c;\r\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void When_trailing_whitespace_makes_text_ambiguous_the_one_exact_match_wins()
    {
        var originals = Fixture.Files(("kernel.c", "x++; \ny++;\nx++;\n"));

        var outcome = Fixture.Apply(Block("kernel.c", "x++;\n", "x--;\n"), originals);

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("x++; \ny++;\nx--;\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void An_empty_search_replaces_the_whole_file()
    {
        var outcome = Fixture.Apply("kernel.c\n<<<<<<< SEARCH\n=======\nint main(void) { return 1; }\n>>>>>>> REPLACE\n");

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal("int main(void) { return 1; }\n", outcome.Files["kernel.c"]);
    }

    [Fact]
    public void An_empty_replacement_deletes_the_lines()
    {
        var originals = Fixture.Files(("kernel.c", "a\nb\nc\n"));

        var outcome = Fixture.Apply("kernel.c\n<<<<<<< SEARCH\nb\n=======\n>>>>>>> REPLACE\n", originals);

        Assert.Equal("a\nc\n", outcome.Files["kernel.c"]);
    }

    [Theory]
    [InlineData("a\nb", "b\n", "B\n", "a\nB")]
    [InlineData("a\nb", "b\n", "", "a")]
    [InlineData("a\nb", "a\n", "A\n", "A\nb")]
    public void A_file_without_a_final_line_break_keeps_it_that_way(string content, string search, string replace, string expected)
    {
        var outcome = Fixture.Apply(Block("kernel.c", search, replace), Fixture.Files(("kernel.c", content)));

        Assert.True(outcome.Succeeded, outcome.ErrorMessage);
        Assert.Equal(expected, outcome.Files["kernel.c"]);
    }

    [Fact]
    public void A_replacement_equal_to_its_search_text_changes_nothing_and_is_refused()
    {
        var problem = Fixture.Single(Fixture.Apply(Block("kernel.c", "    int s = 0;\n", "    int s = 0;\n")));

        Assert.Contains("unchanged", problem);
    }

    [Fact]
    public void An_answer_without_edits_is_refused()
    {
        var problem = Fixture.Single(Fixture.Apply("Unrolling the loop should help."));

        Assert.StartsWith("no edits found", problem);
    }

    [Fact]
    public void A_malformed_block_refuses_the_whole_answer_even_when_other_blocks_are_fine()
    {
        var answer = Block("kernel.c", "    int s = 0;\n", "    long s = 0;\n") + "kernel.c\n<<<<<<< SEARCH\n    return s;\n";

        var outcome = Fixture.Apply(answer);

        Assert.False(outcome.Succeeded);
        Assert.Contains(outcome.Problems, p => p.StartsWith("line 8:", StringComparison.Ordinal));
        Assert.Empty(outcome.Files);
    }

    [Fact]
    public void Every_failing_block_is_reported_not_only_the_first()
    {
        var answer = Block("kernel.c", "nope 1\n", "x\n") + Block("kernel.c", "    int s = 0;\n", "    long s = 0;\n") + Block("kernel.c", "nope 3\n", "y\n");

        var outcome = Fixture.Apply(answer);

        Assert.Equal(2, outcome.Problems.Count);
        Assert.StartsWith("edit 1 (kernel.c)", outcome.Problems[0]);
        Assert.StartsWith("edit 3 (kernel.c)", outcome.Problems[1]);
    }
}
