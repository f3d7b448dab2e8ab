using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Campaigns;

/// <summary>When a scheduled (morning) report is due, and the journal's line about it.</summary>
public static class ScheduledReports
{
    /// <summary>A scheduled report written later than this after its time says it is late (the host was down or busy).</summary>
    private static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(2);

    /// <summary>The schedule's latest time at or before <paramref name="now"/> whose report is not written yet; null when there is none.</summary>
    public static DateTimeOffset? Due(ReportSchedule schedule, DateTimeOffset now, DateTimeOffset? startedAt, DateTimeOffset? lastWritten) =>
        schedule.Previous(now) is { } due && due >= startedAt && (lastWritten is not { } last || due > last) ? due : null;

    /// <summary>The journal's line for the report due at <paramref name="due"/>; <paramref name="files"/> null when writing it failed.</summary>
    public static string JournalLine(ReportSchedule schedule, DateTimeOffset due, DateTimeOffset now, ReportFiles? files)
    {
        var local = TimeZoneInfo.ConvertTime(due, schedule.Zone());
        var late = now - due > LateAfter ? $", {FormatLate(now - due)} late (the host was not running or was busy at that time)" : "";
        return files is null
            ? $"The scheduled report for {local:HH:mm} could not be written{late}; see the host's log."
            : $"Scheduled report for {local:HH:mm} written{late}: {files.Snapshot ?? files.Html}";
    }

    private static string FormatLate(TimeSpan late) =>
        late.TotalHours >= 1 ? $"{(int)late.TotalHours} h {late.Minutes} min" : $"{Math.Max(1, (int)late.TotalMinutes)} min";
}
