namespace AutoResearch.Edits.Tests;

public sealed class LimitTests
{
    private static string Block(string path, string search, string replace) =>
        $"{path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n";

    [Fact]
    public void The_defaults_are_8_files_256_KiB_per_file_and_128_KiB_of_edits()
    {
        Assert.Equal(8, EditLimits.Default.MaxFiles);
        Assert.Equal(256 * 1024, EditLimits.Default.MaxFileBytes);
        Assert.Equal(128 * 1024, EditLimits.Default.MaxEditBytes);
    }

    [Fact]
    public void Editing_more_files_than_allowed_is_refused()
    {
        var originals = Fixture.Files(("a.c", "a\n"), ("b.c", "b\n"), ("c.c", "c\n"));
        var answer = Block("a.c", "a\n", "A\n") + Block("b.c", "b\n", "B\n") + Block("c.c", "c\n", "C\n");

        var refused = Fixture.Apply(answer, originals, ["a.c", "b.c", "c.c"], new EditLimits { MaxFiles = 2 });
        var allowed = Fixture.Apply(answer, originals, ["a.c", "b.c", "c.c"], new EditLimits { MaxFiles = 3 });

        Assert.Equal("the edits change 3 files (a.c, b.c, c.c); at most 2 may change at once", Fixture.Single(refused));
        Assert.True(allowed.Succeeded, allowed.ErrorMessage);
    }

    [Fact]
    public void A_result_larger_than_the_file_limit_is_refused()
    {
        var big = new string('x', 100) + "\n";

        var refused = Fixture.Apply(Block("kernel.c", "    int s = 0;\n", big), limits: new EditLimits { MaxFileBytes = 200 });

        Assert.Matches(@"^'kernel\.c' would be \d+ bytes after the edits; at most 200 are allowed$", Fixture.Single(refused));
    }

    [Fact]
    public void Edit_text_larger_than_the_limit_is_refused_before_anything_is_applied()
    {
        var answer = Block("kernel.c", "    int s = 0;\n", new string('y', 5000) + "\n");

        var refused = Fixture.Apply(answer, limits: new EditLimits { MaxEditBytes = 4096 });
        var allowed = Fixture.Apply(answer, limits: new EditLimits { MaxEditBytes = 8192 });

        Assert.Equal("the edits hold 5016 bytes of text; at most 4096 are allowed", Fixture.Single(refused));
        Assert.True(allowed.Succeeded, allowed.ErrorMessage);
    }

    [Fact]
    public void Prose_around_the_edits_does_not_count_toward_the_edit_limit()
    {
        var answer = new string('p', 10_000) + "\n\n" + Block("kernel.c", "    int s = 0;\n", "    long s = 0;\n");

        Assert.True(Fixture.Apply(answer, limits: new EditLimits { MaxEditBytes = 100 }).Succeeded);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var answer = Block("/etc/passwd", "x\n", "y\n") + Block("harness.c", "x\n", "y\n") + Block("kernel.c", "nothing like this\n", "y\n");

        var outcome = Fixture.Apply(answer);

        Assert.Equal(3, outcome.Problems.Count);
        Assert.Contains("\n", outcome.ErrorMessage);
        Assert.StartsWith("invalid edits: edit 1 targets '/etc/passwd'", outcome.ToString());
    }
}
