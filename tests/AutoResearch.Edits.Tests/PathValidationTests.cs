namespace AutoResearch.Edits.Tests;

public sealed class PathValidationTests
{
    private static string Block(string path) => $"{path}\n<<<<<<< SEARCH\n    int s = 0;\n=======\n    long s = 0;\n>>>>>>> REPLACE\n";

    [Theory]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("/work/kernel.c", "is absolute")]
    [InlineData("C:/kernel.c", "is absolute")]
    [InlineData("../kernel.c", "contains a '..' segment")]
    [InlineData("src/../kernel.c", "contains a '..' segment")]
    [InlineData("./../kernel.c", "contains a '..' segment")]
    [InlineData("src\\kernel.c", "contains a backslash")]
    [InlineData("~/kernel.c", "contains '~'")]
    [InlineData("kernel.c~", "contains '~'")]
    [InlineData("src//kernel.c", "has an empty segment")]
    [InlineData("kernel.c/", "has an empty segment")]
    [InlineData("src/./kernel.c", "contains a '.' segment")]
    [InlineData("././kernel.c", "contains a '.' segment")]
    public void Forbidden_paths_are_refused_with_the_reason(string path, string reason)
    {
        var problem = Fixture.Single(Fixture.Apply(Block(path)));

        Assert.Equal($"edit 1 targets '{path}', which {reason}", problem);
    }

    [Theory]
    [InlineData("kernel\0.c", "contains a NUL character")]
    [InlineData("kernel\u0001.c", "contains a control character")]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    public void Paths_with_control_characters_or_nothing_are_refused(string path, string reason)
    {
        Assert.False(EditPaths.TryNormalize(path, out var normalized, out var problem));
        Assert.Equal(reason, problem);
        Assert.Equal("", normalized);
    }

    [Fact]
    public void A_nul_in_a_diff_path_is_refused_and_not_echoed_raw()
    {
        var problem = Fixture.Single(Fixture.Apply("--- a/kernel.c\0x\n+++ b/kernel.c\0x\n@@ -4 +4 @@\n-    int s = 0;\n+    long s = 0;\n"));

        Assert.Equal("edit 1 targets 'kernel.c?x', which contains a NUL character", problem);
    }

    [Fact]
    public void A_non_editable_file_is_refused_listing_the_editable_ones()
    {
        var problem = Fixture.Single(Fixture.Apply("Unit test first:\n\n" + Block("kernel.c") + "\n" + Block("harness.c")));

        Assert.Equal("edit 2 targets 'harness.c', which is not editable (editable: kernel.c)", problem);
    }

    [Fact]
    public void An_editable_file_that_does_not_exist_is_refused()
    {
        var problem = Fixture.Single(Fixture.Apply(Block("extra.c"), editable: ["kernel.c", "extra.c"]));

        Assert.Equal("edit 1 targets 'extra.c', which is editable but does not exist", problem);
    }

    [Fact]
    public void A_leading_dot_slash_is_accepted_on_either_side()
    {
        var viaEdit = Fixture.Apply(Block("./kernel.c"));
        var viaEditable = Fixture.Apply(Block("kernel.c"), editable: ["./kernel.c"]);

        Assert.True(viaEdit.Succeeded, viaEdit.ErrorMessage);
        Assert.True(viaEditable.Succeeded, viaEditable.ErrorMessage);
        Assert.Equal(["kernel.c"], viaEdit.ChangedFiles);
    }

    [Fact]
    public void Paths_match_exactly_not_by_file_name_or_case()
    {
        var originals = Fixture.Files(("src/kernel.c", Fixture.Kernel));

        var byName = Fixture.Single(Fixture.Apply(Block("kernel.c"), originals, ["src/kernel.c"]));
        var byCase = Fixture.Single(Fixture.Apply(Block("SRC/kernel.c"), originals, ["src/kernel.c"]));

        Assert.Contains("is not editable (editable: src/kernel.c)", byName);
        Assert.Contains("is not editable", byCase);
    }

    [Fact]
    public void Valid_paths_normalise_by_dropping_one_leading_dot_slash()
    {
        Assert.True(EditPaths.TryNormalize("./src/kernel.c", out var normalized, out var problem));
        Assert.Equal("src/kernel.c", normalized);
        Assert.Null(problem);
    }
}
