namespace AutoResearch.Edits.Tests;

public sealed class SearchReplaceParsingTests
{
    [Fact]
    public void A_block_gives_its_path_search_and_replacement_lines()
    {
        var parsed = EditParser.Parse("kernel.c\n<<<<<<< SEARCH\n    int s = 0;\n=======\n    long s = 0;\n    s = 0;\n>>>>>>> REPLACE\n");

        Assert.Empty(parsed.Problems);
        var block = Assert.IsType<SearchReplaceEdit>(Assert.Single(parsed.Edits));
        Assert.Equal(1, block.Number);
        Assert.Equal("kernel.c", block.Path);
        Assert.Equal("    int s = 0;\n", block.Search);
        Assert.Equal("    long s = 0;\n    s = 0;\n", block.Replace);
    }

    [Theory]
    [InlineData("kernel.c\n```c\n")]
    [InlineData("```c\nkernel.c\n")]
    [InlineData("`kernel.c`\n```\n")]
    [InlineData("**kernel.c**:\n\n```c\n")]
    [InlineData("### File: `kernel.c`\n```cpp\n")]
    [InlineData("./kernel.c\n")]
    public void The_path_line_may_be_decorated_and_fenced(string before)
    {
        var parsed = EditParser.Parse(before + "<<<<<<< SEARCH\nint s = 0;\n=======\nint s = 1;\n>>>>>>> REPLACE\n```\n");

        Assert.Empty(parsed.Problems);
        var path = Assert.Single(parsed.Blocks).Path;
        Assert.Equal("kernel.c", path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path);
    }

    [Fact]
    public void Blocks_in_prose_are_found_and_numbered_in_order_and_a_block_without_a_path_line_reuses_the_previous_path()
    {
        const string answer = """
            I'll make two changes. First, the accumulator:

            kernel.c
            ```c
            <<<<<<< SEARCH
                int s = 0;
            =======
                long s = 0;
            >>>>>>> REPLACE
            <<<<<<< SEARCH
                return s;
            =======
                return (int)s;
            >>>>>>> REPLACE
            ```

            Then the header:

            util.h
            ```c
            <<<<<<< SEARCH
            #pragma once
            =======
            #pragma once
            #define N 8
            >>>>>>> REPLACE
            ```
            This should be faster.
            """;

        var parsed = EditParser.Parse(answer);

        Assert.Empty(parsed.Problems);
        Assert.Equal(["kernel.c", "kernel.c", "util.h"], parsed.Edits.Select(e => e.Path));
        Assert.Equal([1, 2, 3], parsed.Edits.Select(e => e.Number));
        Assert.Equal("    return s;\n", Assert.IsType<SearchReplaceEdit>(parsed.Edits[1]).Search);
    }

    [Fact]
    public void A_block_after_prose_without_a_path_uses_the_previous_blocks_path()
    {
        var parsed = EditParser.Parse("kernel.c\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n\nNow the second change:\n\n```c\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n```\n");

        Assert.Empty(parsed.Problems);
        Assert.Equal(["kernel.c", "kernel.c"], parsed.Edits.Select(e => e.Path));
    }

    [Fact]
    public void A_first_block_without_a_path_is_a_problem()
    {
        var parsed = EditParser.Parse("Here you go:\n\n```c\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n");

        Assert.Empty(parsed.Edits);
        Assert.Contains("line 4: no file path", Assert.Single(parsed.Problems));
    }

    [Fact]
    public void A_block_without_its_divider_is_a_problem_naming_its_line()
    {
        var parsed = EditParser.Parse("kernel.c\n<<<<<<< SEARCH\nint s = 0;\n>>>>>>> REPLACE\n");

        Assert.Empty(parsed.Edits);
        var problem = Assert.Single(parsed.Problems);
        Assert.StartsWith("line 2:", problem);
        Assert.Contains("not followed by '======='", problem);
    }

    [Fact]
    public void A_block_that_never_ends_is_a_problem_and_the_next_block_is_still_read()
    {
        var parsed = EditParser.Parse("kernel.c\n<<<<<<< SEARCH\na\n=======\nb\nkernel.c\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n");

        var problem = Assert.Single(parsed.Problems);
        Assert.Contains("'>>>>>>> REPLACE'", problem);
        Assert.StartsWith("line 2:", problem);
        Assert.Equal("c\n", Assert.Single(parsed.Blocks).Search);
    }

    [Fact]
    public void A_stray_replace_marker_is_a_problem()
    {
        var parsed = EditParser.Parse("kernel.c\nint s = 0;\n=======\nint s = 1;\n>>>>>>> REPLACE\n");

        Assert.Contains("line 5: '>>>>>>> REPLACE' has no '<<<<<<< SEARCH'", Assert.Single(parsed.Problems));
    }

    [Fact]
    public void Crlf_answers_are_read_like_lf_answers()
    {
        var parsed = EditParser.Parse("kernel.c\r\n<<<<<<< SEARCH\r\nint s = 0;\r\n=======\r\nint s = 1;\r\n>>>>>>> REPLACE\r\n");

        var block = Assert.Single(parsed.Blocks);
        Assert.Equal("int s = 0;\n", block.Search);
        Assert.Equal("int s = 1;\n", block.Replace);
    }

    [Fact]
    public void Text_without_edits_parses_to_nothing()
    {
        Assert.True(EditParser.Parse("I think we should unroll the loop, but I am not sure.").IsEmpty);
        Assert.True(EditParser.Parse("").IsEmpty);
        Assert.True(EditParser.Parse(null).IsEmpty);
    }
}
