using AutoResearch.Web.Campaigns;

namespace AutoResearch.Web.Tests;

/// <summary>Deadlines as people write them, read in the form's time zone.</summary>
public sealed class DeadlineParserTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    // 2026-11-23 22:30 in Berlin (UTC+1).
    private static readonly DateTimeOffset Evening = new(2026, 11, 23, 21, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("tomorrow 07:00", "2026-11-24T06:00:00Z")]
    [InlineData("Tomorrow at 7:00", "2026-11-24T06:00:00Z")]
    [InlineData("07:00", "2026-11-24T06:00:00Z")]      // the next 07:00
    [InlineData("23:15", "2026-11-23T22:15:00Z")]      // later tonight
    [InlineData("tonight 23:59", "2026-11-23T22:59:00Z")]
    [InlineData("in 8h", "2026-11-24T05:30:00Z")]
    [InlineData("1h30m", "2026-11-23T23:00:00Z")]
    [InlineData("2026-11-24 07:00", "2026-11-24T06:00:00Z")]
    [InlineData("2026-11-24T07:00:00+00:00", "2026-11-24T07:00:00Z")]
    public void Reads_what_people_write(string text, string expected)
    {
        var deadline = DeadlineParser.Parse(text, Evening, Berlin, out var problem);
        Assert.Null(problem);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), deadline);
    }

    [Theory]
    [InlineData("", "give a deadline")]
    [InlineData("when the cows come home", "is not a deadline")]
    [InlineData("today 07:00", "in the past")]
    [InlineData("2026-11-23 22:30:30", "less than a minute away")]
    [InlineData("2026-11-23 22:30", "in the past")]
    [InlineData("in 40d", "more than 31 days away")]
    [InlineData("25:00", "is not a deadline")]
    public void Names_what_is_wrong(string text, string expected)
    {
        Assert.Null(DeadlineParser.Parse(text, Evening, Berlin, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_time_skipped_by_the_spring_clock_change_moves_forward_by_the_jump()
    {
        // 2026-03-29 02:30 does not exist in Berlin (02:00 → 03:00).
        var night = new DateTimeOffset(2026, 3, 28, 20, 0, 0, TimeSpan.Zero);
        var deadline = DeadlineParser.Parse("tomorrow 02:30", night, Berlin, out var problem);
        Assert.Null(problem);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), deadline);
    }
}
