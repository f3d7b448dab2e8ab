namespace AutoResearch.Harness.Tests;

public sealed class SizeParserTests
{
    [Theory]
    [InlineData("512m", 512)]
    [InlineData("1g", 1024)]
    [InlineData("1G", 1024)]
    [InlineData("1.5g", 1536)]
    [InlineData("256mb", 256)]
    [InlineData("2GiB", 2048)]
    [InlineData("1024k", 1)]
    [InlineData("1500k", 2)]
    [InlineData("1t", 1024 * 1024)]
    [InlineData("1048576", 1)]
    [InlineData("0m", 0)]
    public void ParsesMegabytes(string text, long megabytes)
    {
        Assert.True(SizeParser.TryParseMegabytes(text, out var value));
        Assert.Equal(megabytes, value);
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("100b", 100)]
    [InlineData("2k", 2048)]
    [InlineData("1m", 1024 * 1024)]
    public void ParsesBytes(string text, long bytes)
    {
        Assert.True(SizeParser.TryParseBytes(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("m")]
    [InlineData("-1g")]
    [InlineData("1x")]
    [InlineData("1gg")]
    [InlineData("one g")]
    [InlineData("99999999999t")]
    public void Rejects(string? text)
    {
        Assert.False(SizeParser.TryParseMegabytes(text, out var value));
        Assert.Equal(0, value);
    }

    [Theory]
    [InlineData(1024, "1g")]
    [InlineData(1536, "1536m")]
    [InlineData(256, "256m")]
    [InlineData(0, "0m")]
    public void FormatsAndRoundTrips(long megabytes, string expected)
    {
        Assert.Equal(expected, SizeParser.FormatMegabytes(megabytes));
        Assert.True(SizeParser.TryParseMegabytes(expected, out var back));
        Assert.Equal(megabytes, back);
    }
}
