using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Models.Research;

/// <summary>
/// What an <c>llm</c> agent reads from its role's settings (all optional):
/// <c>fallback</c> (built-in strategy used while no model answers; default <c>tpe</c>),
/// <c>temperature</c> (default 0.7), <c>journal_entries</c> (most recent entries shown, default 30),
/// <c>history</c> (most recent experiments shown, default 40), <c>reflect</c> (<c>true</c>: the model writes the reflection),
/// <c>repair</c> (<c>true</c>: an unusable answer is sent back once with what is wrong).
/// </summary>
public sealed record LlmSettings
{
    public const string StrategyName = AgentSpec.ModelProposer;

    public string Fallback { get; init; } = "tpe";
    public double Temperature { get; init; } = 0.7;
    public int JournalEntries { get; init; } = 30;
    public int History { get; init; } = 40;
    public bool Reflect { get; init; } = true;
    public bool Repair { get; init; } = true;

    /// <summary>Reads the settings; unknown values keep their defaults, out-of-range numbers are clamped.</summary>
    public static LlmSettings From(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var result = new LlmSettings();
        if (settings.TryGetValue("fallback", out var fallback) && fallback.Trim().Length > 0) result = result with { Fallback = fallback.Trim().ToLowerInvariant() };
        if (settings.TryGetValue("temperature", out var t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var temperature) && double.IsFinite(temperature))
            result = result with { Temperature = Math.Clamp(temperature, 0, 2) };
        if (settings.TryGetValue("journal_entries", out var j) && int.TryParse(j, NumberStyles.Integer, CultureInfo.InvariantCulture, out var entries))
            result = result with { JournalEntries = Math.Clamp(entries, 0, 500) };
        if (settings.TryGetValue("history", out var h) && int.TryParse(h, NumberStyles.Integer, CultureInfo.InvariantCulture, out var history))
            result = result with { History = Math.Clamp(history, 0, 500) };
        if (settings.TryGetValue("reflect", out var r) && bool.TryParse(r, out var reflect)) result = result with { Reflect = reflect };
        if (settings.TryGetValue("repair", out var rp) && bool.TryParse(rp, out var repair)) result = result with { Repair = repair };
        return result;
    }
}
