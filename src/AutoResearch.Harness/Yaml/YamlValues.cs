using System.Globalization;

namespace AutoResearch.Harness.Yaml;

/// <summary>Reads typed values out of scalar text, and formats numbers invariantly.</summary>
internal static class YamlValues
{
    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>A whole number, written as an integer or as an integral real (<c>32</c>, <c>32.0</c>, <c>1e3</c>).</summary>
    public static bool TryInteger(string text, out long value)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (TryNumber(text, out var d) && d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue)
        {
            value = (long)d;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true":
                value = true;
                return true;
            case "false":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Round-trip invariant text of a real number (<c>0.05</c>, <c>1E-05</c>).</summary>
    public static string FormatReal(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string FormatInteger(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value for an error message: quoted and shortened.</summary>
    public static string Quote(string text) => text.Length <= 60 ? $"'{text}'" : $"'{text[..57]}...'";
}
