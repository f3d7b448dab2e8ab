using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Experiments;
using System.Globalization;
using System.Text;

namespace AutoResearch.Reports;

/// <summary>How numbers, times and parameters read in reports, the same in Markdown and HTML.</summary>
public static class ReportFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string Missing = "—";

    public static string Objective(double? value) =>
        value is not { } v ? Missing
        : double.IsFinite(v) ? v.ToString("G6", Invariant)
        : v.ToString(Invariant);

    /// <summary>A signed percentage of a fraction: 0.123 → <c>+12.3%</c>.</summary>
    public static string Percent(double? fraction) =>
        fraction is not { } f || !double.IsFinite(f) ? Missing
        : (f * 100).ToString("+0.0;-0.0;0.0", Invariant) + "%";

    /// <summary>A signed difference, objective-formatted.</summary>
    public static string Delta(double? value) =>
        value is not { } v || !double.IsFinite(v) ? Missing
        : (v > 0 ? "+" : "") + v.ToString("G6", Invariant);

    /// <summary>A utilization or share as a whole percentage: 0.456 → <c>46%</c>.</summary>
    public static string Share(double fraction) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("0", Invariant) + "%" : Missing;

    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d)
        {
            return Missing;
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        if (d.TotalHours >= 1)
        {
            return $"{(int)d.TotalHours}h {d.Minutes:00}m";
        }

        if (d.TotalMinutes >= 1)
        {
            return $"{d.Minutes}m {d.Seconds:00}s";
        }

        return d.TotalSeconds.ToString("0.0", Invariant) + "s";
    }

    /// <summary>A token count with thousands separators: <c>12,345</c>.</summary>
    public static string Tokens(long tokens) => tokens.ToString("#,0", Invariant);

    /// <summary>Milliseconds, whole: <c>812 ms</c>.</summary>
    public static string Milliseconds(double ms) =>
        double.IsFinite(ms) ? ms.ToString("0", Invariant) + " ms" : Missing;

    public static string Seconds(double seconds) =>
        double.IsFinite(seconds) ? seconds.ToString("0.#", Invariant) : Missing;

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC" : Missing;

    public static string Minutes(double minutes) => minutes.ToString("0.#", Invariant);

    /// <summary>Parameters that differ from <paramref name="defaults"/>, as <c>a=1, b=x</c>; <c>(defaults)</c> when none do.</summary>
    public static string KeyParameters(ParameterSet parameters, ParameterSet defaults)
    {
        var changed = parameters
            .Where(p => defaults.Get(p.Key) != p.Value)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}")
            .ToList();
        return changed.Count == 0 ? "(defaults)" : string.Join(", ", changed);
    }

    /// <summary>One line, at most <paramref name="max"/> characters (an ellipsis marks a cut).</summary>
    public static string OneLine(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(Math.Min(text.Length, 4096));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            var ch = char.IsWhiteSpace(c) || char.IsControl(c) ? ' ' : c;
            if (ch == ' ' && (lastWasSpace || sb.Length == 0))
            {
                continue;
            }

            sb.Append(ch);
            lastWasSpace = ch == ' ';
            if (sb.Length > max)
            {
                break;
            }
        }

        var line = sb.ToString().TrimEnd();
        return line.Length > max ? line[..Math.Max(0, max - 1)].TrimEnd() + "…" : line;
    }

    /// <summary>A confidence as a percentage with one decimal; "&gt;99.9%" when it rounds to certainty.</summary>
    public static string Confidence(double probability) =>
        probability >= 0.9995 ? ">99.9%" : probability.ToString("0.0%", Invariant);

    public static string FailureKindName(FailureKind kind) => kind switch
    {
        FailureKind.None => "Unclassified",
        FailureKind.OutOfMemory => "Out of memory",
        FailureKind.NoMetric => "No metric",
        FailureKind.SandboxError => "Sandbox error",
        FailureKind.NotRun => "Not run",
        FailureKind.StoppedByPerson => "Stopped by a person",
        FailureKind.RejectedByPerson => "Rejected by a person (awaited approval)",
        _ => kind.ToString(),
    };
}
