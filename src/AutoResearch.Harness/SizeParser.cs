using System.Globalization;

namespace AutoResearch.Harness;

/// <summary>
/// Parses and formats sizes the way Docker writes them: a number with an optional binary unit
/// <c>b</c>, <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c> (case-insensitive; <c>kb</c>/<c>kib</c> style suffixes accepted),
/// e.g. <c>512m</c>, <c>1g</c>, <c>1.5g</c>, <c>256MiB</c>. A bare number is bytes, as with Docker.
/// </summary>
public static class SizeParser
{
    private const long Mb = 1024L * 1024L;

    /// <summary>Parses <paramref name="text"/> to bytes; false when it is not a valid, non-negative size.</summary>
    public static bool TryParseBytes(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        var end = s.Length;
        while (end > 0 && char.IsAsciiLetter(s[end - 1]))
        {
            end--;
        }

        var multiplier = s[end..] switch
        {
            "" or "b" => 1L,
            "k" or "kb" or "kib" => 1024L,
            "m" or "mb" or "mib" => Mb,
            "g" or "gb" or "gib" => Mb * 1024L,
            "t" or "tb" or "tib" => Mb * 1024L * 1024L,
            _ => -1L,
        };
        if (multiplier < 0)
        {
            return false;
        }

        var number = s[..end].TrimEnd();
        if (number.Length == 0 || !char.IsAsciiDigit(number[0]) && number[0] != '.'
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var total = decimal.Ceiling(value * multiplier);
        if (total > long.MaxValue)
        {
            return false;
        }

        bytes = (long)total;
        return true;
    }

    /// <summary>
    /// Parses <paramref name="text"/> to whole megabytes (MiB), rounding up (<c>1500k</c> → 2). A bare number is bytes.
    /// </summary>
    public static bool TryParseMegabytes(string? text, out long megabytes)
    {
        megabytes = 0;
        if (!TryParseBytes(text, out var bytes))
        {
            return false;
        }

        megabytes = bytes / Mb + (bytes % Mb == 0 ? 0 : 1);
        return true;
    }

    /// <summary>True when <paramref name="text"/> ends with a unit letter (so it is not a bare byte count).</summary>
    public static bool HasUnit(string? text) =>
        !string.IsNullOrWhiteSpace(text) && char.IsAsciiLetter(text.TrimEnd()[^1]);

    /// <summary>Formats megabytes the way <see cref="TryParseMegabytes"/> reads them: 1024 → <c>1g</c>, 1536 → <c>1536m</c>.</summary>
    public static string FormatMegabytes(long megabytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(megabytes);
        return megabytes != 0 && megabytes % 1024 == 0
            ? (megabytes / 1024).ToString(CultureInfo.InvariantCulture) + "g"
            : megabytes.ToString(CultureInfo.InvariantCulture) + "m";
    }
}
