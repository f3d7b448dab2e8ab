using System.Globalization;
using System.Text.RegularExpressions;
using AutoResearch.Harness;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// Reads a deadline the way people write one: <c>tomorrow 07:00</c>, <c>07:00</c> (the next 07:00), <c>today 23:30</c>,
/// <c>in 8h</c> or <c>8h30m</c>, <c>2026-11-24 07:00</c> or an ISO 8601 time with offset. Times of day are in
/// <paramref name="zone"/> (the browser's zone from the form, else the server's).
/// </summary>
public static partial class DeadlineParser
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(31);

    public const string Examples = "e.g. 'tomorrow 07:00', '07:00', 'in 8h' or '2026-11-24 07:00'";

    /// <summary>The deadline, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static DateTimeOffset? Parse(string? text, DateTimeOffset now, TimeZoneInfo zone, out string? problem)
    {
        problem = null;
        var s = (text ?? "").Trim();
        if (s.Length == 0)
        {
            problem = $"give a deadline, {Examples}";
            return null;
        }

        var deadline = Read(s, now, zone);
        if (deadline is null)
        {
            problem = $"'{s}' is not a deadline; write {Examples}";
            return null;
        }
        if (deadline.Value - now < Shortest)
        {
            problem = $"'{s}' is {(deadline.Value <= now ? "in the past" : "less than a minute away")} ({Local(deadline.Value, zone)}); the deadline must be at least a minute ahead";
            return null;
        }
        if (deadline.Value - now > Longest)
        {
            problem = $"'{s}' is more than {Longest.TotalDays:F0} days away ({Local(deadline.Value, zone)})";
            return null;
        }
        return deadline;
    }

    private static DateTimeOffset? Read(string s, DateTimeOffset now, TimeZoneInfo zone)
    {
        var relative = s.StartsWith("in ", StringComparison.OrdinalIgnoreCase) ? s[3..].Trim() : s;
        if (!relative.Contains(':', StringComparison.Ordinal) && DurationParser.TryParse(relative, out var span) && span > TimeSpan.Zero)
            return now + span;

        var match = DayAndTime().Match(s);
        if (match.Success && TimeOnly.TryParseExact(match.Groups["time"].Value, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var day = match.Groups["day"].Value.ToLowerInvariant() switch
            {
                "tomorrow" => today.AddDays(1),
                "today" or "tonight" => today,
                _ => today,
            };
            var at = At(day, time, zone);
            // A bare time of day that has passed means the next one.
            if (match.Groups["day"].Value.Length == 0 && at <= now)
                at = At(today.AddDays(1), time, zone);
            return at;
        }

        if (DateTime.TryParseExact(s, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd H:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return At(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), zone);
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var absolute) && (s.EndsWith('Z') || s.Contains('+') || s.LastIndexOf('-') > 9))
            return absolute;
        return null;
    }

    private static DateTimeOffset At(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        // A time skipped by a daylight-saving jump moves forward by the jump.
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static string Local(DateTimeOffset value, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(value, zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?:(?<day>today|tonight|tomorrow)\s+(?:at\s+)?)?(?<time>\d{1,2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex DayAndTime();
}
