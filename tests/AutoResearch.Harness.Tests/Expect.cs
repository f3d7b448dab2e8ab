namespace AutoResearch.Harness.Tests;

/// <summary>Assertions on <see cref="SpecValidationException"/>.</summary>
internal static class Expect
{
    public static SpecValidationException Invalid(Action load)
    {
        var e = Assert.Throws<SpecValidationException>(load);
        Assert.NotEmpty(e.Errors);
        return e;
    }

    /// <summary>The single error on <paramref name="field"/> of <paramref name="file"/>; its message must contain <paramref name="contains"/>.</summary>
    public static SpecError Error(SpecValidationException e, string file, string field, string contains)
    {
        var matches = e.Errors.Where(x => x.File == file && x.Field == field).ToList();
        Assert.True(matches.Count == 1, $"expected one error on {field} in {file}; got:{Environment.NewLine}{e.Message}");
        Assert.Contains(contains, matches[0].Message, StringComparison.Ordinal);
        return matches[0];
    }
}
