using System.Globalization;

namespace AutoResearch.Proposers;

/// <summary>Reads typed values from an agent role's free-form strategy settings.</summary>
internal static class ProposerSettings
{
    public static double GetDouble(IReadOnlyDictionary<string, string> settings, string key, double fallback, double min, double max) =>
        settings.TryGetValue(key, out string? text)
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
        && double.IsFinite(v)
            ? Math.Clamp(v, min, max)
            : fallback;

    public static int GetInt(IReadOnlyDictionary<string, string> settings, string key, int fallback, int min, int max) =>
        settings.TryGetValue(key, out string? text)
        && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? Math.Clamp(v, min, max)
            : fallback;
}
