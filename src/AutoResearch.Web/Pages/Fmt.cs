using System.Globalization;

namespace AutoResearch.Web.Pages;

/// <summary>How the pages write numbers, times and durations (the script turns <c>time</c> elements into the viewer's local time).</summary>
public static class Fmt
{
    public static string Number(double? value) => value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "–";

    public static string Iso(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";

    public static string Utc(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    public static string Seconds(double? seconds) => seconds switch
    {
        null => "–",
        < 60 => $"{seconds.Value.ToString("F1", CultureInfo.InvariantCulture)} s",
        < 3600 => $"{(int)(seconds.Value / 60)} min {(int)(seconds.Value % 60)} s",
        _ => $"{(seconds.Value / 3600).ToString("F1", CultureInfo.InvariantCulture)} h",
    };

    public static string Hours(double seconds) => (seconds / 3600).ToString("0.##", CultureInfo.InvariantCulture);

    public static string StateClass(string state) => "state state-" + state.ToLowerInvariant();
}
