namespace AutoResearch.Harness.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("45s", 45_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1h 30m 15s", 5_415_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m500ms", 60_500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData(".5s", 500)]
    [InlineData("1d", 86_400_000)]
    [InlineData("90S", 90_000)]
    [InlineData(" 8m ", 480_000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("00:01:30", 90_000)]
    public void Parses(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("90")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5x")]
    [InlineData("30m1h")]
    [InlineData("1m1m")]
    [InlineData("1.2.3s")]
    [InlineData("5 seconds")]
    [InlineData("99999999999d")]
    public void Rejects(string? text)
    {
        Assert.False(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(500, "500ms")]
    [InlineData(0, "0s")]
    [InlineData(90_061_001, "1d1h1m1s1ms")]
    public void FormatsAndRoundTrips(long milliseconds, string expected)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(expected, DurationParser.Format(value));
        Assert.Equal(value, DurationParser.Parse(expected));
    }

    [Fact]
    public void ParseThrowsFormatExceptionNamingTheText()
    {
        var e = Assert.Throws<FormatException>(() => DurationParser.Parse("soon"));
        Assert.Contains("'soon'", e.Message, StringComparison.Ordinal);
    }
}
