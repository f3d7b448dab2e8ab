using System.Globalization;
using System.Text;

namespace AutoResearch.Harness;

/// <summary>
/// Parses and formats durations written as unit-suffixed components: <c>45s</c>, <c>2m</c>, <c>1h30m</c>,
/// <c>500ms</c>, <c>1.5h</c>, <c>1d2h</c>. Units: <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c> (case-insensitive),
/// each at most once and largest first; whitespace between components is allowed. A bare <c>0</c> and the
/// <c>[d.]hh:mm:ss[.fffffff]</c> form are accepted too. Negative durations are rejected.
/// </summary>
public static class DurationParser
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("ms", TimeSpan.TicksPerMillisecond), // before "m" so that "ms" wins
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
    ];

    /// <summary>Parses <paramref name="text"/>; false (and <see cref="TimeSpan.Zero"/>) when it is not a valid duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s == "0")
        {
            return true;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(s, "c", CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        decimal total = 0;
        var lastRank = int.MaxValue;
        var i = 0;
        var components = 0;
        while (i < s.Length)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (!decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            var rank = RankAt(s, i, out var unitLength, out var unitTicks);
            if (rank < 0 || !Order(lastRank, rank))
            {
                return false;
            }

            lastRank = rank;
            i += unitLength;
            total += number * unitTicks;
            components++;
            if (total > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        if (components == 0)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)decimal.Round(total));
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a duration (use e.g. 45s, 2m, 1h30m, 500ms).");

    /// <summary>Formats <paramref name="value"/> in the form <see cref="TryParse"/> reads: <c>1h30m</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Durations are not negative.");
        }

        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        var ticks = value.Ticks;
        foreach (var (unit, unitTicks) in new[] { ("d", TimeSpan.TicksPerDay), ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond) })
        {
            var n = ticks / unitTicks;
            if (n > 0)
            {
                sb.Append(n.ToString(CultureInfo.InvariantCulture)).Append(unit);
                ticks -= n * unitTicks;
            }
        }

        if (ticks > 0)
        {
            var ms = (decimal)ticks / TimeSpan.TicksPerMillisecond;
            sb.Append(ms.ToString("0.#######", CultureInfo.InvariantCulture)).Append("ms");
        }

        return sb.ToString();
    }

    // Ranks: d=0, h=1, m=2, s=3, ms=4; components must have strictly increasing ranks.
    private static bool Order(int lastRank, int rank) => lastRank == int.MaxValue || rank > lastRank;

    private static int RankOf(string unit) => unit switch
    {
        "d" => 0,
        "h" => 1,
        "m" => 2,
        "s" => 3,
        "ms" => 4,
        _ => -1,
    };

    private static int RankAt(string s, int i, out int length, out long ticks)
    {
        foreach (var (unit, unitTicks) in Units)
        {
            if (string.Compare(s, i, unit, 0, unit.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                length = unit.Length;
                ticks = unitTicks;
                return RankOf(unit);
            }
        }

        length = 0;
        ticks = 0;
        return -1;
    }
}
