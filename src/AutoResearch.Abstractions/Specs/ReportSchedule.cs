namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// When a running campaign writes its scheduled ("morning") reports: times of day in a time zone. Each report is kept;
/// the campaign's final report is written at its end regardless.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ReportSchedule")]
public sealed record ReportSchedule
{
    /// <summary>Times of day (from midnight, under 24 h), ascending and distinct; empty: no scheduled reports.</summary>
    [Id(0)] public List<TimeSpan> TimesOfDay { get; init; } = [];

    /// <summary>IANA or Windows time zone id; null: the host's local time zone.</summary>
    [Id(1)] public string? TimeZone { get; init; }

    public bool IsEmpty => TimesOfDay.Count == 0;

    /// <summary>The time zone the times are in (the host's when none is named or the named one is unknown here).</summary>
    public TimeZoneInfo Zone() =>
        TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Local;

    /// <summary>The first scheduled instant strictly after <paramref name="after"/>; null without times.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (IsEmpty) return null;
        var zone = Zone();
        var localDay = TimeZoneInfo.ConvertTime(after, zone).Date;
        for (var day = -1; day <= 2; day++)
        {
            foreach (var time in TimesOfDay)
            {
                var at = ToInstant(localDay.AddDays(day) + time, zone);
                if (at > after) return at;
            }
        }
        return null;
    }

    /// <summary>The last scheduled instant at or before <paramref name="atOrBefore"/>; null without times.</summary>
    public DateTimeOffset? Previous(DateTimeOffset atOrBefore)
    {
        if (IsEmpty) return null;
        var zone = Zone();
        var localDay = TimeZoneInfo.ConvertTime(atOrBefore, zone).Date;
        for (var day = 1; day >= -2; day--)
        {
            foreach (var time in Enumerable.Reverse(TimesOfDay))
            {
                var at = ToInstant(localDay.AddDays(day) + time, zone);
                if (at <= atOrBefore) return at;
            }
        }
        return null;
    }

    /// <summary>A local wall-clock time as an instant; a time skipped by a daylight-saving change moves forward by the gap.</summary>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
